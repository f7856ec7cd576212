/// The terminal explorer: state, input, layout, renderer to a cell grid, ncurses backend.
public enum ExplorerModule {}
