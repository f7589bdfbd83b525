//! Statements run on either database: written once with `?N` placeholders (PostgreSQL gets
//! them as `$N`), with arguments ([`Arg`]) and result columns ([`Cell`]) that both databases understand.

use rusqlite::types::{ToSqlOutput, Value as SqlValue};

use super::{Db, Store, StoreError};

/// A statement argument.
#[derive(Clone, Debug)]
pub(super) enum Arg {
    Text(String),
    Int(i64),
    Null,
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Int(n)
    }
}

impl From<Option<String>> for Arg {
    fn from(s: Option<String>) -> Arg {
        s.map_or(Arg::Null, Arg::Text)
    }
}

impl rusqlite::ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::Text(s) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes())),
            Arg::Int(n) => ToSqlOutput::Owned(SqlValue::Integer(*n)),
            Arg::Null => ToSqlOutput::Owned(SqlValue::Null),
        })
    }
}

/// One column of a result row.
#[derive(Clone, Debug)]
pub(super) enum Cell {
    Text(String),
    Int(i64),
    Null,
}

impl Cell {
    /// The text of the column; `None` when it is NULL.
    pub(super) fn text(&self) -> Option<String> {
        match self {
            Cell::Text(s) => Some(s.clone()),
            Cell::Int(n) => Some(n.to_string()),
            Cell::Null => None,
        }
    }

    /// The text of the column; empty when it is NULL.
    pub(super) fn string(&self) -> String {
        self.text().unwrap_or_default()
    }

    /// The number in the column; 0 when it is NULL.
    pub(super) fn int(&self) -> i64 {
        match self {
            Cell::Int(n) => *n,
            Cell::Text(s) => s.parse().unwrap_or(0),
            Cell::Null => 0,
        }
    }
}

/// `?N` placeholders as PostgreSQL writes them (`$N`).
fn dollar(sql: &str) -> String {
    sql.replace('?', "$")
}

impl Store {
    /// Run a statement; rows changed.
    pub(super) async fn run(&self, sql: &'static str, args: Vec<Arg>) -> Result<u64, StoreError> {
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| Ok(conn.execute(sql, rusqlite::params_from_iter(args.iter()))? as u64))
                    .await
            }
            Db::Postgres(db) => {
                let (texts, ints) = pg_args(&args);
                let params = pg_params(&args, &texts, &ints);
                db.execute(&dollar(sql), &params).await
            }
        }
    }

    /// Run a query; its rows.
    pub(super) async fn rows(&self, sql: &'static str, args: Vec<Arg>) -> Result<Vec<Vec<Cell>>, StoreError> {
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    let mut stmt = conn.prepare_cached(sql)?;
                    let n = stmt.column_count();
                    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
                        (0..n)
                            .map(|i| {
                                Ok(match r.get::<_, SqlValue>(i)? {
                                    SqlValue::Text(s) => Cell::Text(s),
                                    SqlValue::Integer(n) => Cell::Int(n),
                                    SqlValue::Real(f) => Cell::Int(f as i64),
                                    SqlValue::Null | SqlValue::Blob(_) => Cell::Null,
                                })
                            })
                            .collect::<rusqlite::Result<Vec<Cell>>>()
                    })?;
                    Ok(rows.collect::<Result<Vec<_>, _>>()?)
                })
                .await
            }
            Db::Postgres(db) => {
                let (texts, ints) = pg_args(&args);
                let params = pg_params(&args, &texts, &ints);
                let client = db.client().await?;
                let rows = client.query(&dollar(sql), &params).await?;
                Ok(rows
                    .iter()
                    .map(|row| {
                        (0..row.len())
                            .map(|i| match *row.columns()[i].type_() {
                                tokio_postgres::types::Type::INT8 => {
                                    row.get::<_, Option<i64>>(i).map_or(Cell::Null, Cell::Int)
                                }
                                tokio_postgres::types::Type::INT4 => {
                                    row.get::<_, Option<i32>>(i).map_or(Cell::Null, |n| Cell::Int(n.into()))
                                }
                                _ => row.get::<_, Option<String>>(i).map_or(Cell::Null, Cell::Text),
                            })
                            .collect()
                    })
                    .collect())
            }
        }
    }

    /// Run a query that answers one number (`SELECT COUNT(*) …`); that number.
    pub(super) async fn scalar(&self, sql: &'static str, args: Vec<Arg>) -> Result<i64, StoreError> {
        Ok(self.rows(sql, args).await?.first().and_then(|row| row.first()).map_or(0, Cell::int))
    }
}

fn pg_args(args: &[Arg]) -> (Vec<Option<String>>, Vec<i64>) {
    let texts = args.iter().map(|a| if let Arg::Text(s) = a { Some(s.clone()) } else { None }).collect();
    let ints = args.iter().map(|a| if let Arg::Int(n) = a { *n } else { 0 }).collect();
    (texts, ints)
}

fn pg_params<'a>(
    args: &[Arg],
    texts: &'a [Option<String>],
    ints: &'a [i64],
) -> Vec<&'a (dyn tokio_postgres::types::ToSql + Sync)> {
    args.iter()
        .enumerate()
        .map(|(i, a)| match a {
            Arg::Int(_) => &ints[i] as &(dyn tokio_postgres::types::ToSql + Sync),
            Arg::Text(_) | Arg::Null => &texts[i] as &(dyn tokio_postgres::types::ToSql + Sync),
        })
        .collect()
}
