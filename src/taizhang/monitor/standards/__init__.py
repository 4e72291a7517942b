"""The national environmental standards, exactly: versioned rule sets and a scalar API.

`tables` holds the numbers as plain data (for the vectorised engine); the other modules compute
one value at a time with exact (Fraction/Decimal) arithmetic.
"""
