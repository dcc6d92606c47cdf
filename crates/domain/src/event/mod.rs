//! Events (事件): what a grid worker or a resident reports for the community to act on, and the
//! city-management loop it passes through (上报 → 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案), on the
//! same lifecycle engine as the desk's cases.

mod category;
mod flow;
mod state;

pub use category::{Categories, CategoriesFileError, Category};
pub use flow::{EventFlow, EventGuard, EventLifecycle, EventTransition};
pub use state::EventState;
