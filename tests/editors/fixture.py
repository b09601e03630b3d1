"""Fixture for the editor tests: a generator with an index loop, and a function with *args."""


def squares(xs):
    for i in range(len(xs)):
        yield xs[i] * xs[i]


def total(*args):
    return sum(args)
