"""``python -m okpay_triage``: the same command line as ``okpay-triage``."""

from .cli import main

if __name__ == "__main__":
    main()
