"""A CPU-bound pure-Python loop: the longest Collatz chain below n. The README's routes example
profiles it on PyPy, CPython 3.13's subinterpreters and a local Dask cluster next to the usual pools."""


def longest_chain(n=300_000):
    best = 0
    for start in range(1, n):
        steps = 0
        x = start
        while x != 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            steps += 1
        best = max(best, steps)
    return best
