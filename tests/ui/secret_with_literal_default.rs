use k6dsl::prelude::*;

fn main() {
    let _ = Value::secret("SHOP_PASSWORD", "hunter2");
}
