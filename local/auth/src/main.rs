//! local-auth: the local stack's stand-in for Supabase Auth (README.md beside this
//! crate). `scripts/stack.sh` starts it as the part `auth`; the gateway serves it at
//! `/auth/v1/`.
//!
//! Environment: AUTH_PORT, AUTH_DATABASE_URL (it connects as `supabase_auth_admin`, the
//! role Supabase Auth runs as, so the custom access token hook runs as that role),
//! API_URL (the public URL; tokens' `iss` is `<API_URL>/auth/v1`), AUTH_CONFIG_FILE
//! (`supabase/config.toml`), AUTH_SMTP_HOST and AUTH_SMTP_PORT (the stack's mail
//! catcher, used unless config.toml sets `[auth.email.smtp]`), and the keys of
//! scripts/lib.sh: STACK_KEYS (`signing` or `legacy`), SIGNING_KEYS_FILE and JWKS
//! (signing mode), JWT_SECRET (legacy mode).

mod admin;
mod config;
mod emails;
mod errors;
mod handlers;
mod hook;
mod keys;
mod links;
mod mail;
mod store;
mod tokens;
mod verify;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use config::{Env, Settings};
use keys::Keys;

pub struct AppState {
    pub env: Env,
    pub settings: Settings,
    pub keys: Keys,
    pub pool: deadpool_postgres::Pool,
    pub mailer: mail::Mailer,
}

pub type SharedState = Arc<AppState>;

fn keys_from_env() -> Result<Keys, String> {
    let var = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
    match var("STACK_KEYS")?.as_str() {
        "signing" => {
            let file = var("SIGNING_KEYS_FILE")?;
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
            Keys::signing(&text, &var("JWKS")?)
        }
        "legacy" => Keys::legacy(&var("JWT_SECRET")?),
        other => Err(format!("STACK_KEYS must be signing or legacy, not {other}")),
    }
}

/// Supabase Auth's routes under `/auth/v1/` (the gateway strips the prefix); anything
/// else answers 404 in its error shape.
pub fn router(state: SharedState) -> Router {
    Router::new()
        .route("/health", get(handlers::health))
        .route("/settings", get(handlers::settings))
        .route("/.well-known/jwks.json", get(handlers::jwks))
        .route("/signup", post(handlers::signup))
        .route("/token", post(handlers::token))
        .route("/user", get(handlers::user_get).put(handlers::user_put))
        .route("/logout", post(handlers::logout))
        .route("/verify", get(verify::verify_get).post(verify::verify_post))
        .route("/resend", post(emails::resend))
        .route("/recover", post(emails::recover))
        .route("/otp", post(emails::otp))
        .route("/invite", post(emails::invite))
        .route("/admin/generate_link", post(emails::generate_link))
        .route(
            "/admin/users",
            get(admin::admin_list).post(admin::admin_create),
        )
        .route(
            "/admin/users/{id}",
            get(admin::admin_get)
                .put(admin::admin_update)
                .delete(admin::admin_delete),
        )
        .fallback(handlers::not_served)
        .method_not_allowed_fallback(handlers::not_served)
        .layer(axum::middleware::from_fn(errors::render))
        .layer(DefaultBodyLimit::max(1 << 20))
        .with_state(state)
}

async fn run() -> Result<(), String> {
    let env = Env::from_env()?;
    let text = std::fs::read_to_string(&env.config_file)
        .map_err(|e| format!("{}: {e}", env.config_file))?;
    let settings = Settings::from_toml(&text)?;
    let keys = keys_from_env()?;
    let mut pool_config = deadpool_postgres::Config::new();
    pool_config.url = Some(env.database_url.clone());
    pool_config.pool = Some(deadpool_postgres::PoolConfig::new(16));
    let pool = pool_config
        .create_pool(
            Some(deadpool_postgres::Runtime::Tokio1),
            tokio_postgres::NoTls,
        )
        .map_err(|e| format!("database pool: {e}"))?;
    drop(pool.get().await.map_err(|e| format!("database: {e}"))?);
    let port = env.port;
    let mailer = mail::Mailer::new(&settings, &env);
    let state = Arc::new(AppState {
        env,
        settings,
        keys,
        pool,
        mailer,
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("port {port}: {e}"))?;
    eprintln!(
        "auth: listening on 127.0.0.1:{port} (confirmations {}, hook {})",
        if state.settings.confirmations {
            "on"
        } else {
            "off"
        },
        state
            .settings
            .hook
            .as_ref()
            .map_or("off", |h| h.uri.as_str()),
    );
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
            }
        })
        .await
        .map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("auth: {e}");
        std::process::exit(1);
    }
}
