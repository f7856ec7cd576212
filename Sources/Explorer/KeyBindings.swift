/// Every key the explorer answers, in the order the help overlay lists them. The man page's
/// KEYS section is written from the same list.
public enum KeyBindings {
    public static let all: [(keys: String, action: String)] = [
        ("mouse", "press and drag: hide or show patches (right button: show)"),
        ("arrows, H J K L", "move the patch cursor"),
        ("space", "hide or show the patch under the cursor"),
        ("r", "new random mask (next seed)"),
        ("b", "block mask"),
        ("g", "grid mask"),
        ("+  -  wheel", "mask ratio up or down 5%"),
        ("1 … 9", "mask ratio 10% … 90%"),
        ("i", "invert the mask"),
        ("c", "clear the mask (show every patch)"),
        ("u", "undo a mask change"),
        ("[  ]", "previous or next image"),
        ("v", "compare 25, 50, 75 and 90% masks"),
        ("h", "error heatmap on the reconstruction"),
        ("#", "patch grid"),
        ("z", "zoom: one large panel at a time"),
        ("Tab", "next panel (zoomed or small terminals)"),
        ("e", "export the four-panel PNG here"),
        ("Ctrl-L", "redraw the screen"),
        ("?", "this help"),
        ("q", "quit"),
    ]
}
