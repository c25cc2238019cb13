# Runs a command with its stderr on a pseudo-terminal of a given size, for the tests of the
# command line's progress bar: `python3 _pty_run.py COLUMNS ROWS COMMAND ARGS...`. stdin and stdout
# are /dev/null (the command writes its export to a file); everything written to the terminal is
# copied to this program's stdout, byte for byte, and its exit code is the command's.
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

columns, rows = int(sys.argv[1]), int(sys.argv[2])
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
child = subprocess.Popen(
    sys.argv[3:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave
)
os.close(slave)
seen = bytearray()
while True:
    try:
        data = os.read(master, 65536)
    except OSError:  # EIO: the command closed the terminal's last writer
        break
    if not data:
        break
    seen += data
code = child.wait()
sys.stdout.buffer.write(bytes(seen))
sys.exit(code)
