#!/usr/bin/env python3
"""A tiny GTK 3 window that offers one file as text/uri-list when dragged.

Used by tests/drop.rs to make a real native drag-and-drop onto Satchel's
window under Xvfb: usage `drag_source.py FILE_URI X Y`. It prints "ready"
once mapped, and quits when the drag ends.
"""
import sys

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402


def main():
    uri, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    window = Gtk.Window(title="drag source")
    window.set_decorated(False)
    window.set_default_size(160, 120)
    window.move(x, y)
    box = Gtk.EventBox()
    box.add(Gtk.Label(label="drag me"))
    window.add(box)

    box.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    targets = Gtk.TargetList.new([])
    targets.add_uri_targets(0)
    box.drag_source_set_target_list(targets)
    box.connect("drag-data-get", lambda _w, _c, data, _i, _t: data.set_uris([uri]))
    box.connect("drag-end", lambda *_: Gtk.main_quit())
    window.connect("map-event", lambda *_: print("ready", flush=True))
    window.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
