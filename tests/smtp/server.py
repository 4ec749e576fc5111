"""A real SMTP server for the tests (aiosmtpd): every message it accepts is written to a file
in a folder; what it refuses is told by files the test writes in the same folder.

    python3 server.py PORT FOLDER

- `refuse-next`: a number N; the next N messages are refused for now (451), then accepted.
- `reject`: addresses, one per line, refused for good at RCPT (550 no such mailbox).
- `refuse-for-good`: a number N; the next N messages are refused for good by the relay's
  policy (554), not for their mailbox.

Prints `ready` once it listens.
"""

import os
import sys
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def _read(self, name):
        try:
            with open(os.path.join(self.folder, name)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        rejected = [a.strip().lower() for a in self._read("reject").splitlines() if a.strip()]
        if address.lower() in rejected:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        policy = self._read("refuse-for-good").strip()
        if policy and int(policy) > 0:
            with open(os.path.join(self.folder, "refuse-for-good"), "w") as f:
                f.write(str(int(policy) - 1))
            return "554 5.7.1 Rejected by policy"
        refuse = self._read("refuse-next").strip()
        if refuse and int(refuse) > 0:
            with open(os.path.join(self.folder, "refuse-next"), "w") as f:
                f.write(str(int(refuse) - 1))
            return "451 4.3.0 Try again later"
        self.count += 1
        name = os.path.join(self.folder, "message-%04d.eml" % self.count)
        with open(name + ".part", "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.replace(name + ".part", name)
        return "250 Message accepted"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Handler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
