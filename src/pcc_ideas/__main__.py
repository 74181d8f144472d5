"""The command line, as `pcc-ideas` and `python -m pcc_ideas`."""

import gc


def main() -> None:
    """Run the command with the cyclic garbage collector off from the start, imports included
    (see `cli.run`)."""
    gc.disable()
    from .cli import run

    run()


if __name__ == "__main__":
    main()
