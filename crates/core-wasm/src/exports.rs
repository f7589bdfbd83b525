//! The module's exported functions (wasm32 only). A host writes a request into memory it got
//! from `antrag_alloc`, calls `antrag_call`, and reads the response at `antrag_response`
//! (valid until the next call). The memory may grow during a call: read the memory's buffer
//! again after each call.

use std::cell::RefCell;

use super::{failure, Session, INTERFACE};

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
    static RESPONSE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The interface version ([`INTERFACE`]).
#[no_mangle]
pub extern "C" fn antrag_interface() -> u32 {
    INTERFACE
}

/// Room for a request of `len` bytes; `antrag_call` takes it back.
#[no_mangle]
pub extern "C" fn antrag_alloc(len: usize) -> *mut u8 {
    let mut buffer = std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len));
    buffer.as_mut_ptr()
}

/// Give back room from `antrag_alloc` that is not passed to `antrag_call`.
///
/// # Safety
/// `ptr` and `len` are exactly what one `antrag_alloc` call gave and took.
#[no_mangle]
pub unsafe extern "C" fn antrag_free(ptr: *mut u8, len: usize) {
    // SAFETY: the caller hands back an allocation of capacity `len` from `antrag_alloc`.
    drop(unsafe { Vec::from_raw_parts(ptr, 0, len) });
}

/// Answer the request (UTF-8 JSON) of `len` bytes at `ptr`, which the module takes back.
/// Returns the length of the response; it is at `antrag_response()`.
///
/// # Safety
/// `ptr` comes from `antrag_alloc(len)` and holds `len` written bytes.
#[no_mangle]
pub unsafe extern "C" fn antrag_call(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: the caller passes an allocation of capacity `len` from `antrag_alloc`, filled.
    let request = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let response = match String::from_utf8(request) {
        Ok(text) => SESSION.with_borrow_mut(|session| session.call(&text)),
        Err(_) => failure("bad_request", "the request is not UTF-8 text").to_string(),
    };
    RESPONSE.with_borrow_mut(|slot| {
        *slot = response.into_bytes();
        slot.len()
    })
}

/// Where the latest response begins.
#[no_mangle]
pub extern "C" fn antrag_response() -> *const u8 {
    RESPONSE.with_borrow(|slot| slot.as_ptr())
}
