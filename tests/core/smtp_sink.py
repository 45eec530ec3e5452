"""A real SMTP server for the tests (run as its own process): stores each message it receives as a
file in the folder given on the command line, and prints the port it listens on."""

import asyncio
import socket
import sys
from pathlib import Path

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.count += 1
        path = self.folder / f"{self.count:04d}.eml"
        path.write_bytes(b"RCPT: " + ",".join(envelope.rcpt_tos).encode() + b"\n" + envelope.content)
        return "250 OK"


def main():
    folder = Path(sys.argv[1])
    with socket.socket() as probe:  # aiosmtpd cannot start on port 0: take a free port first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
