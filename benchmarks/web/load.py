"""Driving a page with ``wrk`` (Debian's package): closed-loop clients over keep-alive HTTP/1.1.

Each run is bounded in time (``-d``) and aimed at a loopback address only. A small Lua script
rotates each connection over the page's paths, sends the session cookie, counts every response
that is not a 200 (a redirect to the sign-in page is an error here, not a success) and prints
the figures as one JSON line: requests, errors, seconds and latency percentiles.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = r"""
local paths = {%(paths)s}
local cookie = "%(cookie)s"
local threads = {}
local counter = 0
bad = 0
statuses = ""

function setup(thread)
   table.insert(threads, thread)
   thread:set("offset", #threads - 1)
end

function init(args)
   counter = offset or 0
end

function request()
   counter = counter + 1
   local path = paths[(counter %% #paths) + 1]
   return wrk.format("GET", path, {["Cookie"] = cookie})
end

function response(status, headers, body)
   if status ~= 200 then
      bad = bad + 1
      if #statuses < 200 then statuses = statuses .. status .. " " end
   end
end

function done(summary, latency, requests)
   local errors, seen = 0, ""
   for _, thread in ipairs(threads) do
      errors = errors + thread:get("bad")
      seen = seen .. thread:get("statuses")
   end
   local e = summary.errors
   io.write(string.format(
      '{"requests": %%d, "bad_status": %%d, "socket_errors": %%d, "timeouts": %%d, ' ..
      '"seconds": %%.6f, "p50": %%d, "p95": %%d, "p99": %%d, "mean": %%.1f, "max": %%d, ' ..
      '"statuses": "%%s"}\n',
      summary.requests, errors, e.connect + e.read + e.write, e.timeout,
      summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), latency.mean, latency.max, seen))
end
"""


@dataclass(frozen=True)
class LoadResult:
    """One page under load: counts, throughput and latency percentiles in milliseconds."""

    requests: int
    errors: int
    seconds: float
    p50: float
    p95: float
    p99: float
    mean: float
    max: float
    statuses: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "bench_web needs wrk (Debian's package): apt-get install wrk, then run it again."
        )
    return found


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def drive(
    base: str,
    paths: list[str],
    *,
    cookie: str,
    clients: int,
    seconds: float,
    scratch: Path,
    name: str,
) -> LoadResult:
    """``clients`` connections requesting ``paths`` in turn from ``base`` for ``seconds``."""
    if not base.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError(f"bench_web drives loopback addresses only, not {base}")
    script = scratch / f"wrk-{name}.lua"
    script.write_text(
        LUA
        % {
            "paths": ", ".join(_lua_string(path) for path in paths),
            "cookie": cookie.replace('"', ""),
        }
    )
    command = [
        wrk_path(),
        f"--threads={min(2, clients)}",
        f"--connections={clients}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        f"--script={script}",
        base + paths[0],
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    line = next(
        (text for text in completed.stdout.splitlines() if text.startswith('{"requests"')), None
    )
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    data = json.loads(line)
    return LoadResult(
        requests=data["requests"],
        errors=data["bad_status"] + data["socket_errors"] + data["timeouts"],
        seconds=data["seconds"],
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        mean=data["mean"] / 1000,
        max=data["max"] / 1000,
        statuses=data["statuses"].strip(),
    )
