//! What one shop instance keeps: the catalog, users' tokens, carts and orders, the
//! auth challenges waiting for an answer, the request log, and its random numbers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap};

use crate::{RecordedRequest, PRODUCTS};

#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Product {
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) price: f64,
    pub(crate) stock: u32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct CartItem {
    pub(crate) product_id: u32,
    pub(crate) quantity: u32,
    pub(crate) price: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) user: u32,
    pub(crate) items: Vec<CartItem>,
    pub(crate) total: f64,
}

/// The users' state, behind one lock.
#[derive(Default)]
pub(crate) struct Data {
    pub(crate) tokens: HashMap<String, u32>,
    pub(crate) carts: HashMap<u32, Vec<CartItem>>,
    pub(crate) orders: HashMap<u64, Order>,
    /// Each user's order ids in creation order, for `GET /orders`.
    pub(crate) user_orders: HashMap<u32, Vec<u64>>,
    /// How many uploads were accepted: the next one's id follows.
    pub(crate) uploads: u64,
    /// Session cookie values from `POST /session` and the user each belongs to.
    pub(crate) sessions: HashMap<String, u32>,
    /// Each user's wishlist, from `POST /wishlist` until `DELETE /wishlist`.
    pub(crate) wishlists: HashMap<u32, Wishlist>,
    /// How many wishlists were ever created: the next one's id follows.
    pub(crate) wishlists_created: u64,
}

/// A user's wishlist: product ids, each once, in the order they were added.
#[derive(Debug, Clone)]
pub(crate) struct Wishlist {
    pub(crate) id: u64,
    pub(crate) products: Vec<u32>,
}

/// One running shop's state, shared by every handler.
pub(crate) struct Shop {
    pub(crate) products: Vec<Product>,
    pub(crate) data: Mutex<Data>,
    /// Digest nonces handed out and not yet used.
    pub(crate) digest_nonces: Mutex<HashSet<String>>,
    /// The NTLM server challenge sent on each connection, until its AUTHENTICATE.
    pub(crate) ntlm_challenges: Mutex<HashMap<SocketAddr, [u8; 8]>>,
    pub(crate) recorded: Mutex<Vec<RecordedRequest>>,
    pub(crate) record: bool,
    /// Requests received per route (`GET /products/{id}`), whether recorded or
    /// not: what `GET /stats` answers.
    pub(crate) routes: Mutex<BTreeMap<String, u64>>,
    latency: (Duration, Duration),
    counter: AtomicU64,
}

impl Shop {
    pub(crate) fn new(latency: (Duration, Duration), record: bool) -> Self {
        let products = (1..=PRODUCTS)
            .map(|id| Product {
                id,
                name: format!("Product {id}"),
                price: f64::from(id * 125 + 300) / 100.0,
                stock: 100,
            })
            .collect();
        Shop {
            products,
            data: Mutex::new(Data::default()),
            digest_nonces: Mutex::new(HashSet::new()),
            ntlm_challenges: Mutex::new(HashMap::new()),
            recorded: Mutex::new(Vec::new()),
            record,
            routes: Mutex::new(BTreeMap::new()),
            latency,
            counter: AtomicU64::new(0x9e37_79b9_7f4a_7c15),
        }
    }

    /// A cheap pseudo-random number (splitmix64), for latency and tokens.
    pub(crate) fn next(&self) -> u64 {
        let mut z = self
            .counter
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A fresh 32-hex-digit token, for bearer tokens and session cookies.
    pub(crate) fn new_token(&self) -> String {
        format!("{:016x}{:016x}", self.next(), self.next())
    }

    /// How long the next response waits.
    pub(crate) fn delay(&self) -> Duration {
        let (min, max) = self.latency;
        let span = (max - min).as_micros() as u64;
        if span == 0 {
            min
        } else {
            min + Duration::from_micros(self.next() % (span + 1))
        }
    }

    /// The product with this id (1 to [`PRODUCTS`]).
    pub(crate) fn product(&self, id: u32) -> Option<&Product> {
        self.products.get(id.checked_sub(1)? as usize)
    }

    /// The user a `Bearer` token from `/auth/login` belongs to.
    pub(crate) fn user(&self, headers: &HeaderMap) -> Option<u32> {
        let token = headers
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .strip_prefix("Bearer ")?;
        self.data.lock().ok()?.tokens.get(token).copied()
    }
}

/// How handlers take the shop.
pub(crate) type Shared = State<Arc<Shop>>;
