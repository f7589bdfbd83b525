//! Files chosen for a FIT-Connect form, kept in this browser until the form is sent — in
//! memory, and in IndexedDB while drafts are on: they are encrypted in the browser at sending
//! time, so after a reload or a closed tab the draft alone (answers with file references)
//! would not be enough. They live as long as drafts do (`expires`), go when the form is sent
//! or the draft is deleted, and are never kept when the embedding site switched drafts off.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

const DB: &str = "antrag-files";
const STORE: &str = "files";
/// Set in localStorage while files may be kept, so a page start opens IndexedDB (and creates
/// the database) only when there can be something to clean up.
const KEPT_MARK: &str = "antrag:files";

/// Whether files may be kept in IndexedDB (see [`purge_expired`]).
pub fn any_kept() -> bool {
    local_storage().and_then(|s| s.get_item(KEPT_MARK).ok().flatten()).is_some()
}

fn local_storage() -> Option<web_sys::Storage> {
    crate::dom::window()?.local_storage().ok().flatten()
}

thread_local! {
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

thread_local! {
    static FILES: RefCell<HashMap<String, web_sys::File>> = RefCell::new(HashMap::new());
}

/// Keep a chosen file in the browser under `id` until the form is sent; with `keep_until`
/// (drafts on) also in IndexedDB, so that a reload or a closed tab does not lose it.
pub fn keep_file(id: &str, file: web_sys::File, keep_until: Option<f64>) {
    FILES.with(|f| f.borrow_mut().insert(id.to_owned(), file.clone()));
    if let Some(expires) = keep_until {
        let id = id.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = put(&id, &file, expires).await;
        });
    }
}

/// Forget a file (removed by the citizen, sent, or its draft deleted).
pub fn forget_file(id: &str) {
    FILES.with(|f| f.borrow_mut().remove(id));
    let id = id.to_owned();
    wasm_bindgen_futures::spawn_local(async move { delete(&id).await });
}

/// A chosen file: from this page, or kept from before a reload.
pub async fn chosen(id: &str) -> Option<web_sys::File> {
    if let Some(file) = FILES.with(|f| f.borrow().get(id).cloned()) {
        return Some(file);
    }
    let kept = get(id).await?;
    FILES.with(|f| f.borrow_mut().insert(id.to_owned(), kept.clone()));
    Some(kept)
}

/// The media type of a chosen file: recognized from its first bytes where possible (a renamed
/// program is not a PDF), else what the browser says.
pub async fn media_type(file: &web_sys::File) -> String {
    let head = match file.slice_with_i32_and_i32(0, 16) {
        Ok(blob) => match JsFuture::from(blob.array_buffer()).await {
            Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
            Err(_) => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    match crate::fit::sniff(&head) {
        Some(t) => t.to_owned(),
        None if !file.type_().is_empty() => file.type_(),
        None => "application/octet-stream".to_owned(),
    }
}

/// The outcome of an IndexedDB request, as a future.
async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok_request = request.clone();
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &ok_request.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        request.set_onsuccess(Some(ok.unchecked_ref()));
        request.set_onerror(Some(failed.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

async fn database() -> Result<IdbDatabase, JsValue> {
    if let Some(db) = OPEN.with(|o| o.borrow().clone()) {
        return Ok(db);
    }
    let factory = crate::dom::window().ok_or(JsValue::NULL)?.indexed_db()?.ok_or(JsValue::NULL)?;
    let open = factory.open_with_u32(DB, 1)?;
    let upgrading = open.clone();
    let upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: IdbDatabase = done(&open).await?.dyn_into()?;
    OPEN.with(|o| *o.borrow_mut() = Some(db.clone()));
    Ok(db)
}

async fn store(mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, JsValue> {
    database().await?.transaction_with_str_and_mode(STORE, mode)?.object_store(STORE)
}

/// Keep `file` under `id` until `expires` (milliseconds since the epoch).
pub async fn put(id: &str, file: &web_sys::File, expires: f64) -> Result<(), JsValue> {
    let record = Object::new();
    Reflect::set(&record, &"file".into(), file)?;
    Reflect::set(&record, &"expires".into(), &expires.into())?;
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(KEPT_MARK, "1");
    }
    done(&store(IdbTransactionMode::Readwrite).await?.put_with_key(&record, &id.into())?).await.map(|_| ())
}

/// The file kept under `id`, unless it expired.
pub async fn get(id: &str) -> Option<web_sys::File> {
    let record = done(&store(IdbTransactionMode::Readonly).await.ok()?.get(&id.into()).ok()?).await.ok()?;
    let expires = Reflect::get(&record, &"expires".into()).ok()?.as_f64()?;
    if expires < js_sys::Date::now() {
        return None;
    }
    Reflect::get(&record, &"file".into()).ok()?.dyn_into().ok()
}

/// Forget the file kept under `id`.
pub async fn delete(id: &str) {
    if let Ok(store) = store(IdbTransactionMode::Readwrite).await {
        if let Ok(request) = store.delete(&id.into()) {
            let _ = done(&request).await;
        }
    }
}

/// Forget every file whose time is up (a draft that expired takes its files with it).
pub async fn purge_expired() {
    let Ok(store) = store(IdbTransactionMode::Readonly).await else { return };
    let Ok(request) = store.get_all_keys() else { return };
    let Ok(keys) = done(&request).await else { return };
    let mut left = 0;
    for key in js_sys::Array::from(&keys).iter().filter_map(|k| k.as_string()) {
        if get(&key).await.is_none() {
            delete(&key).await;
        } else {
            left += 1;
        }
    }
    if left == 0 {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(KEPT_MARK);
        }
    }
}
