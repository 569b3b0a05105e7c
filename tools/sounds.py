"""Generate the console's alert sound, ``resources/sounds/urgent.wav``.

    python -m tools.sounds

Two short rising tones (880 Hz then 1320 Hz, 0.12 s each, a soft attack and release), 16-bit
mono at 22,050 Hz: about 11 kB, written with the standard ``wave`` module so it needs nothing
installed. The file is kept in the repository; this tool says how it was made.
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 22_050
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "urgent.wav"


def tone(freq: float, seconds: float, volume: float = 0.45) -> list[int]:
    n = int(RATE * seconds)
    ramp = int(RATE * 0.01)
    out = []
    for i in range(n):
        envelope = min(1.0, i / ramp, (n - 1 - i) / ramp)
        out.append(int(32767 * volume * envelope * math.sin(2 * math.pi * freq * i / RATE)))
    return out


def samples() -> list[int]:
    gap = [0] * int(RATE * 0.04)
    return tone(880.0, 0.12) + gap + tone(1320.0, 0.12)


def write(path: Path = OUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = samples()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack(f"<{len(data)}h", *data))
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(write(Path(args[0]) if args else OUT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
