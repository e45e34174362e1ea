use k6dsl::prelude::*;

fn main() {
    let _ = ConstantVus::new().vus(nz!(0));
}
