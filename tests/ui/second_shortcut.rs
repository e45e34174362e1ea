use k6dsl::prelude::*;

fn main() {
    let _ = Script::new()
        .shortcut(Shortcut::duration(nz!(10), secs(30)))
        .shortcut(Shortcut::iterations(nz!(10), nz!(100)));
}
