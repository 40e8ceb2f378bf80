//! An error's chain of causes, walked in one place.

use std::error::Error;

/// The causes of `error`, outermost first (not `error` itself).
pub fn causes(error: &dyn Error) -> impl Iterator<Item = &dyn Error> {
    std::iter::successors(error.source(), |&cause| cause.source())
}
