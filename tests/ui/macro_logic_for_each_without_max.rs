use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(orders {
        let orders = get("/orders") { name: "orders" };
        for_each order in orders.json("orders") {
            get("/orders/", order.field("id")) { name: "order" }
        }
    });
}
