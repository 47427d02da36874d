"""A GTK window that offers one file as a drag source, for dropping files into the app
from outside its window (WebDriver cannot). Usage: drag_source.py FILE_URI. Prints
"ready" once the window is on screen at (0, 0); the test drives the mouse with xdotool."""

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

uri = sys.argv[1]
window = Gtk.Window(title="seedance test drag source")
window.set_decorated(False)
window.set_default_size(160, 160)
window.move(0, 0)
box = Gtk.EventBox()
box.add(Gtk.Label(label="drag me"))
window.add(box)
box.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
box.drag_source_add_uri_targets()
box.connect("drag-data-get", lambda _w, _ctx, data, _info, _time: data.set_uris([uri]))
window.connect("destroy", Gtk.main_quit)
window.connect("map-event", lambda *_: print("ready", flush=True))
window.show_all()
Gtk.main()
