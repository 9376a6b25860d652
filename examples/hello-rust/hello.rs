// SPDX-License-Identifier: Apache-2.0
//
// hello-rust: the Rust version of hello-c, built with Debian's rustc and its
// wasm32 standard library (libstd-rust-dev-wasm32):
//   /usr/bin/rustc --target wasm32-wasi -O -C strip=debuginfo hello.rs -o hello.wasm

fn main() {
    let name = std::env::var("NAME").unwrap_or_else(|_| String::from("world"));
    println!("Hello, {}! (from Rust)", name);
    for (i, arg) in std::env::args().enumerate().skip(1) {
        println!("arg {}: {}", i, arg);
    }
}
