#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the Twilio API simulator.

    python tests/simulator/server.py --seed tests/simulator/seeds/default.yml --state-dir /tmp/sim [--port 0]

Writes STATE_DIR/port, STATE_DIR/ca.pem and STATE_DIR/ready, then serves
until SIGTERM/SIGINT. Importable as well: ``from server import Simulator``.
"""

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from twiliosim import Simulator  # noqa: E402  pylint: disable=wrong-import-position

__all__ = ["Simulator", "main"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", required=True, help="seed YAML (accounts and their resources)")
    parser.add_argument("--state-dir", required=True, help="directory for port, ca.pem and ready")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (written to STATE_DIR/port)")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request to stderr")
    parser.add_argument("--limits", action="store_true",
                        help="enforce Twilio's documented rate limits from the start (429/20429; POST /_sim/limits)")
    parser.add_argument("--retry-after", default=None,
                        help="with --limits: Retry-After of a 429, whole seconds or 'bucket' (default: no header)")
    args = parser.parse_args(argv)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sim = Simulator(seed=args.seed, state_dir=args.state_dir, host=args.host, port=args.port, verbose=args.verbose)
    sim.start()
    if args.limits:
        retry_after = args.retry_after
        sim.set_limits(retry_after=int(retry_after) if retry_after not in (None, "bucket") else retry_after)
    print("twilio simulator on %s (CA %s)" % (sim.url, sim.ca_path), flush=True)
    try:
        stop.wait()
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
