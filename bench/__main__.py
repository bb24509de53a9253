"""Entry point for `python -m bench`."""


def main() -> None:
    print("benchmarks: see issue 6")


if __name__ == "__main__":
    main()
