#!/usr/bin/env python3
"""Draws Satchel's app icon (icons/icon.png, 512x512 RGBA) with the standard library only.

A rounded teal tile holding a gold medal on a ribbon; edges anti-aliased by
4x4 supersampling. Run it again after changing the drawing:
    python3 src-tauri/icons/make_icon.py
"""
import math
import os
import struct
import zlib

SIZE = 512
SS = 4  # samples per axis per pixel


def inside_rounded(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def colour_at(x, y):
    """The colour (r, g, b, a) of the drawing at a point, or None if empty."""
    # Medal: gold disc with a darker rim and a light star-like centre.
    mx, my = 256, 290
    d = math.hypot(x - mx, y - my)
    if d <= 130:
        if d > 112:
            return (176, 122, 20, 255)
        if d < 58:
            angle = math.atan2(y - my, x - mx)
            star = 44 + 16 * math.cos(5 * angle)
            if d < star:
                return (255, 244, 200, 255)
        return (240, 180, 40, 255)
    # Ribbon: two bands from the top of the tile to the medal.
    for sign in (-1, 1):
        # A band along the line from (256 + sign*20, 160) to (256 + sign*110, 40).
        ax, ay, bx, by = 256 + sign * 20, 190, 256 + sign * 120, 56
        vx, vy = bx - ax, by - ay
        t = ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)
        if 0 <= t <= 1:
            px, py = ax + t * vx, ay + t * vy
            if math.hypot(x - px, y - py) < 34:
                return (214, 64, 69, 255) if sign < 0 else (190, 46, 52, 255)
    # Tile.
    if inside_rounded(x, y, 16, 16, 496, 496, 96):
        return (20, 120, 120, 255)
    return None


def main():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])  # filter: none
        for px in range(SIZE):
            acc = [0, 0, 0, 0]
            for sy in range(SS):
                for sx in range(SS):
                    c = colour_at(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                    if c:
                        for i in range(3):
                            acc[i] += c[i] * c[3]
                        acc[3] += c[3]
            n = SS * SS
            alpha = acc[3] / n
            if acc[3]:
                row += bytes(round(acc[i] / acc[3]) for i in range(3))
            else:
                row += b"\0\0\0"
            row.append(round(alpha))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", raw)
    png += chunk(b"IEND", b"")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icon.png")
    with open(out, "wb") as f:
        f.write(png)
    print("wrote", out)


if __name__ == "__main__":
    main()
