"""Fixture for the editor tests: a generator with an index loop."""


def squares(xs):
    for i in range(len(xs)):
        yield xs[i] * xs[i]
