/*
 * The XmR kernel of bettercare.core.spc.xmr on one series, in plain C99 (no Python API).
 *
 * Loaded with ctypes by bettercare/core/_xmr_kernel.py; built by `make setup` with
 *   cc -O2 -ffp-contract=off -fno-fast-math -std=c99 -shared -fPIC
 * (no fused multiply-adds, no reordered sums), so that every line equals the one of
 * spc._xmr_one and of the batch kernel to the last bit: sums are taken one row after another
 * from 0.0, the lines are centre -/+ factor * spread, and the rules and the priority between
 * them are those of spc._xmr_one (read its docstring and comments with this file).
 *
 * Letters per row, kept in the scratch bytes:
 *   side  (bits 0-1): 0 below the mean, 1 on it, 2 above (a, b, c in spc._xmr_one);
 *   slope (bits 2-3): 0 falling from the row before, 1 level (or the period's first row), 2 rising;
 *   bit 4: beyond a 2-sigma line (a capital letter in spc._xmr_one);
 *   bit 5: outside the process limits;
 *   bit 6: the last row of a trend.
 */

#include <math.h>
#include <stdint.h>

/* Bumped whenever the signature or the results change; the loader checks it. */
#define XMR_KERNEL_VERSION 1

enum { COMMON = 0, IMPROVEMENT = 1, CONCERN = 2, NEUTRAL_HIGH = 3, NEUTRAL_LOW = 4 };
enum { BELOW = 0, ON = 1, ABOVE = 2 };
enum { BEYOND = 16, OUTSIDE = 32, TREND_END = 64 };

int xmr_kernel_version(void) { return XMR_KERNEL_VERSION; }

/* The point type of a special-cause point by its direction letter (ABOVE is high). */
static int8_t typed(int sign, int letter)
{
    if (sign == 0) {
        return letter == ABOVE ? NEUTRAL_HIGH : NEUTRAL_LOW;
    }
    if (letter == ABOVE) {
        return sign > 0 ? IMPROVEMENT : CONCERN;
    }
    return sign > 0 ? CONCERN : IMPROVEMENT;
}

#define SIDE(r) (scratch[r] & 3)
#define SLOPE(r) ((scratch[r] >> 2) & 3)

/* One period, rows [start, stop): its lines, then each row's rule and point type. */
static void period(const double *values, int64_t size, int64_t start, int64_t stop, int64_t fix,
                   int sign, int screen, int counts_beyond, int64_t shift_points,
                   int64_t trend_points, double limit_factor, double sigma_factor,
                   double outlier_factor, double *lines, int8_t *rule, int8_t *type,
                   uint8_t *scratch)
{
    const double *v = values + start;
    int64_t length = stop - start;
    int64_t count = (fix == 0 || fix >= length) ? length : fix;
    int64_t i;

    double total = 0.0;
    for (i = 0; i < count; i++) {
        total += v[i];
    }
    double centre = total / (double)count;
    double spread = NAN;
    if (count > 1) {
        double steps = 0.0;
        for (i = 1; i < count; i++) {
            steps += fabs(v[i] - v[i - 1]);
        }
        spread = steps / (double)(count - 1);
        if (screen) {
            /* Every step kept gives the same sum in the same order, so always recount. */
            double cut = outlier_factor * spread;
            double kept = 0.0;
            int64_t kept_count = 0;
            for (i = 1; i < count; i++) {
                double step = fabs(v[i] - v[i - 1]);
                if (step < cut) {
                    kept += step;
                    kept_count++;
                }
            }
            spread = kept_count ? kept / (double)kept_count : NAN;
        }
    }
    double lower = centre - limit_factor * spread;
    double upper = centre + limit_factor * spread;
    double low = centre - sigma_factor * spread;
    double high = centre + sigma_factor * spread;

    /* Lines, letters, and the rows beyond a 2-sigma line (NaN lines are never crossed). */
    int any_beyond = 0;
    for (i = 0; i < length; i++) {
        int64_t r = start + i;
        double x = v[i];
        lines[r] = centre;
        lines[size + r] = lower;
        lines[2 * size + r] = upper;
        lines[3 * size + r] = low;
        lines[4 * size + r] = high;
        int side = x > centre ? ABOVE : (x < centre ? BELOW : ON);
        int slope = ON;
        if (i > 0) {
            double change = x - v[i - 1];
            slope = change > 0 ? ABOVE : (change < 0 ? BELOW : ON);
        }
        uint8_t letters = (uint8_t)(side | (slope << 2));
        if (x > high || x < low) {
            letters |= BEYOND;
            any_beyond = 1;
            if (x > upper || x < lower) {
                letters |= OUTSIDE;
            }
        }
        scratch[r] = letters;
        rule[r] = 0;
        type[r] = COMMON;
    }

    /* Shift: runs of at least shift_points rows on one side of the mean. */
    for (i = 0; i < length;) {
        int side = SIDE(start + i);
        int64_t end = i + 1;
        while (end < length && SIDE(start + end) == side) {
            end++;
        }
        if (side != ON && end - i >= shift_points) {
            for (int64_t k = i; k < end; k++) {
                rule[start + k] = 4;
                type[start + k] = typed(sign, side);
            }
        }
        i = end;
    }

    /* Two-in-three: windows of three rows on one side of the mean with at least two beyond a
     * 2-sigma line (not counting the rows outside the limits unless counts_beyond); those
     * beyond the line are flagged. */
    if (any_beyond && length >= 3) {
        uint8_t near_mask = counts_beyond ? BEYOND : (BEYOND | OUTSIDE);
        for (i = 0; i + 2 < length; i++) {
            int64_t r = start + i;
            int side = SIDE(r);
            if (side == ON || SIDE(r + 1) != side || SIDE(r + 2) != side) {
                continue;
            }
            int near = 0;
            for (int64_t k = r; k < r + 3; k++) {
                near += (scratch[k] & near_mask) == BEYOND;
            }
            if (near >= 2) {
                for (int64_t k = r; k < r + 3; k++) {
                    if ((scratch[k] & near_mask) == BEYOND) {
                        rule[k] = 3;
                        type[k] = typed(sign, side);
                    }
                }
            }
        }
    }

    /* Trend: runs of at least trend_points - 1 rises (or falls), from the row before the
     * first of them. */
    int any_trend = 0;
    for (i = 1; i < length;) {
        int slope = SLOPE(start + i);
        int64_t end = i + 1;
        while (end < length && SLOPE(start + end) == slope) {
            end++;
        }
        if (slope != ON && end - i >= trend_points - 1) {
            for (int64_t k = i - 1; k < end; k++) {
                rule[start + k] = 2;
                type[start + k] = typed(sign, slope);
            }
            scratch[start + end - 1] |= TREND_END;
            any_trend = 1;
        }
        i = end;
    }
    /* A trend's last row takes the slope to the next row when that row is in a trend too. */
    if (any_trend) {
        for (i = 0; i + 1 < length; i++) {
            int64_t r = start + i;
            if ((scratch[r] & TREND_END) && rule[r + 1] == 2) {
                type[r] = typed(sign, SLOPE(r + 1));
            }
        }
    }

    /* Astronomical: outside the limits. */
    if (any_beyond) {
        for (i = 0; i < length; i++) {
            int64_t r = start + i;
            if (scratch[r] & OUTSIDE) {
                rule[r] = 1;
                type[r] = typed(sign, SIDE(r));
            }
        }
    }
}

/*
 * The chart of values[0..size): periods start at 0 and at each of starts[0..n_starts)
 * (increasing, within 1..size-1); fix is the baseline length (0 for the whole period);
 * sign +1 increase, -1 decrease, 0 neutral is better. out holds 5 rows of size doubles, for
 * the five lines (mean, lower and upper limits, lower and upper 2-sigma lines), then at least
 * 3 * size bytes for each row's rule code, point type code and scratch letters. Returns 1
 * without computing anything if a value is not finite, else 0.
 */
int xmr_one(const double *values, int64_t size, const int64_t *starts, int64_t n_starts,
            int64_t fix, int64_t sign, int64_t screen, int64_t counts_beyond,
            int64_t shift_points, int64_t trend_points, double limit_factor, double sigma_factor,
            double outlier_factor, double *out)
{
    for (int64_t i = 0; i < size; i++) {
        if (!isfinite(values[i])) {
            return 1;
        }
    }
    int8_t *rule = (int8_t *)(out + 5 * size);
    int8_t *type = rule + size;
    uint8_t *scratch = (uint8_t *)(rule + 2 * size);
    int64_t start = 0;
    for (int64_t p = 0; p <= n_starts; p++) {
        int64_t stop = p < n_starts ? starts[p] : size;
        period(values, size, start, stop, fix, (int)sign, (int)screen, (int)counts_beyond,
               shift_points, trend_points, limit_factor, sigma_factor, outlier_factor, out,
               rule, type, scratch);
        start = stop;
    }
    return 0;
}
