"""bettercare: Better Care Fund programme performance, from the numbers to the board pack."""

__version__ = "0.1.0"
