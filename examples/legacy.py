"""A small program with habits the notes teach to replace."""
import sys


class Inventory(object):
    def __init__(self, items=[]):
        self.items = items

    def report(self, out=None):
        for i in range(len(self.items)):
            print(self.items[i])
        if out == None:
            out = sys.stdout
        return out


def double_all(values):
    return list(map(lambda v: v * 2, values))


def count_words(words):
    counts = {}
    for word in words:
        if word not in counts:
            counts[word] = 0
        counts[word] += 1
    return counts


def read_config(path):
    f = open(path)
    data = f.read()
    f.close()
    return data


if __name__ == "__main__":
    inv = Inventory(["apple", "pear"])
    inv.report()
    print(double_all([1, 2, 3]))
