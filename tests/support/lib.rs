//! What Satchel's tests, benchmarks and examples share: Open Badges
//! documents and pictures made by the project's own code, a loopback issuer,
//! fake backpack hosts that speak the real protocols, the window's fixtures,
//! WebDriver client and private D-Bus session bus, and the benchmarks' measuring. A dev-only crate:
//! nothing here ships.

pub mod backpacks;
pub mod badges;
pub mod desktop;
pub mod images;
pub mod measure;
pub mod server;
pub mod session_bus;
pub mod signing;
pub mod webdriver;
