"""A beginner's file that Python refuses to compile: each mistake below is
a SyntaxError when the module loads, yet every line parses."""

RED = "red"


def greet(greeting="Hello", name):
    print(f"{greeting}, {name}!")


def first_negative(numbers):
    for n in numbers:
        if n < 0:
            return n
    else:
        break


def describe(colour):
    match colour:
        case RED:
            return "stop"
        case _:
            return "go"


greet(greeting="Hi", "Ada")
