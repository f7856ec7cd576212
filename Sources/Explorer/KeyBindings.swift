/// Every key the explorer answers, in the order the help overlay lists them (22 rows: the box
/// fits an 80×24 terminal). The man page's KEYS section is written from the same list.
public enum KeyBindings {
    public static let all: [(keys: String, action: String)] = [
        ("mouse", "press and drag: hide or show patches (right button: show)"),
        ("arrows, H J K L", "move the patch cursor"),
        ("space", "hide or show the patch under the cursor"),
        ("r  b  g", "new random mask (next seed), block mask, grid mask"),
        ("+  -  wheel", "mask ratio up or down 5%"),
        ("1 … 9", "mask ratio 10% … 90%"),
        ("i", "invert the mask"),
        ("c", "clear the mask (show every patch)"),
        ("u", "undo a mask change"),
        ("[  ]", "previous or next image"),
        ("v", "compare 25, 50, 75 and 90% masks"),
        ("%  m", "ratio sweep: PSNR against mask ratio; m: PSNR or masked MSE"),
        ("h  #", "error heatmap on the reconstruction; patch grid"),
        ("z", "zoom: two large panels, one (training: panels, charts)"),
        ("Tab", "next panel (zoomed or small terminals)"),
        ("e", "export the four-panel PNG here"),
        ("T", "train the shown model here; again: pause or resume"),
        ("w  W", "training: save a checkpoint; write the weights (F16)"),
        ("s  S  l  x", "training: less or more smoothing; log y; the whole plan"),
        ("Ctrl-L", "redraw the screen"),
        ("?", "this help"),
        ("q", "quit (training: save and stop first)"),
    ]
}
