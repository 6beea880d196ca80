//! The shop `modgate run` installs a module into: one tenant's products,
//! categories, customers and orders (served by the in-memory commerce
//! provider), the entities hooks may be called on, and the install's
//! settings — read from a TOML file the author edits (`fixtures.toml` in
//! the module folder, written by `modgate new`).

use std::collections::BTreeMap;
use std::path::Path;

use modgate_manifest::HookWhen;
use serde::Deserialize;

use crate::bindings::modgate::commerce::types::Money;
use crate::capabilities::Commerce;
use crate::capabilities::categories::Category;
use crate::capabilities::customers::Customer;
use crate::capabilities::orders::{Order, OrderLine, OrderStatus};
use crate::capabilities::products::Product;
use crate::hookable::{FieldType, HookableEntities, HookableEntity};
use crate::tenant::TenantId;
use crate::testing::{Contact, InMemoryCommerce, TenantData};

/// The fixtures `modgate new` writes, used when a module folder has none.
pub const DEFAULT_FIXTURES: &str = include_str!("../../../guests/templates/common/fixtures.toml");

/// A fixtures file, checked.
#[derive(Clone)]
pub struct Fixtures {
    /// The tenant the module is installed for.
    pub tenant: TenantId,
    /// The install's settings (a JSON object).
    pub settings: serde_json::Value,
    /// What the commerce capabilities answer.
    pub data: TenantData,
    /// What hooks may be called on.
    pub entities: HookableEntities,
}

/// Why a fixtures file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("fixtures {origin}: {message}")]
pub struct FixturesError {
    /// The file (or `built-in`).
    pub origin: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl FixturesError {
    /// The stable code of the refusal.
    pub fn code(&self) -> &'static str {
        "invalid-fixtures"
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixturesFile {
    tenant: String,
    #[serde(default)]
    settings: toml::Table,
    #[serde(default)]
    categories: Vec<CategoryFixture>,
    #[serde(default)]
    products: Vec<ProductFixture>,
    #[serde(default)]
    customers: Vec<CustomerFixture>,
    #[serde(default)]
    orders: Vec<OrderFixture>,
    #[serde(default)]
    entities: Vec<EntityFixture>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFixture {
    id: String,
    name: String,
    slug: Option<String>,
    parent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ProductFixture {
    id: String,
    name: String,
    sku: Option<String>,
    #[serde(default)]
    description: String,
    price: i64,
    currency: String,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default = "yes")]
    in_stock: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CustomerFixture {
    id: String,
    name: String,
    email: Option<String>,
    #[serde(default)]
    opted_out: bool,
    #[serde(default = "long_ago")]
    created_at: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OrderFixture {
    id: String,
    customer: String,
    status: String,
    #[serde(default = "long_ago")]
    placed_at: String,
    lines: Vec<LineFixture>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineFixture {
    product: String,
    quantity: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityFixture {
    name: String,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    adjustable: BTreeMap<String, String>,
    moments: Vec<HookWhen>,
    #[serde(default)]
    actions: Vec<String>,
}

fn yes() -> bool {
    true
}

fn long_ago() -> String {
    "2026-01-15T10:00:00Z".to_owned()
}

impl Fixtures {
    /// The built-in fixtures (those `modgate new` writes).
    pub fn builtin() -> Result<Fixtures, FixturesError> {
        Fixtures::parse(DEFAULT_FIXTURES, "built-in")
    }

    /// Reads the fixtures file at `path`.
    pub fn read(path: &Path) -> Result<Fixtures, FixturesError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FixturesError {
            origin: origin.clone(),
            message: format!("cannot be read: {e}"),
        })?;
        Fixtures::parse(&text, &origin)
    }

    /// Checks the text of a fixtures file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Fixtures, FixturesError> {
        let invalid = |message: String| FixturesError {
            origin: origin.to_owned(),
            message,
        };
        let file: FixturesFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let tenant = TenantId::new(&file.tenant).map_err(|e| invalid(format!("tenant: {e}")))?;
        let settings =
            serde_json::to_value(&file.settings).map_err(|e| invalid(format!("settings: {e}")))?;
        let data = tenant_data(&file).map_err(invalid)?;
        let entities = entities(&file.entities).map_err(invalid)?;
        Ok(Fixtures {
            tenant,
            settings,
            data,
            entities,
        })
    }

    /// The commerce capabilities' provider, answering from the fixtures for
    /// their tenant only.
    pub fn commerce(&self) -> Commerce {
        InMemoryCommerce::new()
            .with_tenant(self.tenant.clone(), self.data.clone())
            .into_commerce()
    }
}

fn tenant_data(file: &FixturesFile) -> Result<TenantData, String> {
    let mut data = TenantData::default();
    for category in &file.categories {
        let entry = Category {
            id: category.id.clone(),
            slug: category.slug.clone().unwrap_or_else(|| category.id.clone()),
            name: category.name.clone(),
            parent_id: category.parent.clone(),
        };
        unique(&mut data.categories, "category", &category.id, entry)?;
    }
    for (i, product) in file.products.iter().enumerate() {
        for category in &product.categories {
            if !data.categories.contains_key(category) {
                return Err(format!(
                    "product {}: category {category:?} is not among [[categories]]",
                    product.id
                ));
            }
        }
        let entry = Product {
            id: product.id.clone(),
            sku: product
                .sku
                .clone()
                .unwrap_or_else(|| format!("SKU-{}", i + 1)),
            name: product.name.clone(),
            description: product.description.clone(),
            price: Money {
                amount_minor: product.price,
                currency: product.currency.clone(),
            },
            category_ids: product.categories.clone(),
            in_stock: product.in_stock,
        };
        unique(&mut data.products, "product", &product.id, entry)?;
    }
    for customer in &file.customers {
        let entry = Customer {
            id: customer.id.clone(),
            display_name: customer.name.clone(),
            created_at: customer.created_at.clone(),
        };
        unique(&mut data.customers, "customer", &customer.id, entry)?;
        data.contacts.insert(
            customer.id.clone(),
            Contact {
                address: customer.email.clone(),
                opted_out: customer.opted_out,
            },
        );
    }
    for order in &file.orders {
        if !data.customers.contains_key(&order.customer) {
            return Err(format!(
                "order {}: customer {:?} is not among [[customers]]",
                order.id, order.customer
            ));
        }
        let mut lines = Vec::with_capacity(order.lines.len());
        let mut total = 0i64;
        let mut currency = None;
        for line in &order.lines {
            let product = data.products.get(&line.product).ok_or_else(|| {
                format!(
                    "order {}: product {:?} is not among [[products]]",
                    order.id, line.product
                )
            })?;
            total = total.saturating_add(
                product
                    .price
                    .amount_minor
                    .saturating_mul(i64::from(line.quantity)),
            );
            currency.get_or_insert_with(|| product.price.currency.clone());
            lines.push(OrderLine {
                product_id: line.product.clone(),
                quantity: line.quantity,
                unit_price: product.price.clone(),
            });
        }
        let entry = Order {
            id: order.id.clone(),
            customer_id: order.customer.clone(),
            status: order_status(&order.status).ok_or_else(|| {
                format!("order {}: status {:?} is not one of pending, paid, shipped, completed, cancelled, refunded", order.id, order.status)
            })?,
            total: Money { amount_minor: total, currency: currency.unwrap_or_else(|| "EUR".to_owned()) },
            placed_at: order.placed_at.clone(),
            lines,
        };
        unique(&mut data.orders, "order", &order.id, entry)?;
    }
    Ok(data)
}

fn unique<T>(map: &mut BTreeMap<String, T>, what: &str, id: &str, value: T) -> Result<(), String> {
    if map.insert(id.to_owned(), value).is_some() {
        return Err(format!("{what} {id:?} is listed twice"));
    }
    Ok(())
}

fn order_status(text: &str) -> Option<OrderStatus> {
    Some(match text {
        "pending" => OrderStatus::Pending,
        "paid" => OrderStatus::Paid,
        "shipped" => OrderStatus::Shipped,
        "completed" => OrderStatus::Completed,
        "cancelled" => OrderStatus::Cancelled,
        "refunded" => OrderStatus::Refunded,
        _ => return None,
    })
}

fn entities(declared: &[EntityFixture]) -> Result<HookableEntities, String> {
    let mut entities = HookableEntities::new();
    for fixture in declared {
        let mut entity = HookableEntity::new(&fixture.name);
        for (name, text) in &fixture.fields {
            entity = entity.field(name, field_type(&fixture.name, name, text)?);
        }
        for (name, text) in &fixture.adjustable {
            entity = entity.adjustable(name, field_type(&fixture.name, name, text)?);
        }
        for action in &fixture.actions {
            entity = entity.action(action);
        }
        entity = entity.hookable_at(fixture.moments.iter().copied());
        entities = entities.register(entity).map_err(|e| e.to_string())?;
    }
    Ok(entities)
}

/// `string`, `integer`, `number`, `boolean`, `array` or `object`; a
/// trailing `?` also admits `null`.
fn field_type(entity: &str, field: &str, text: &str) -> Result<FieldType, String> {
    let (kind, nullable) = match text.strip_suffix('?') {
        Some(kind) => (kind, true),
        None => (text, false),
    };
    let base = match kind {
        "string" => FieldType::STRING,
        "integer" => FieldType::INTEGER,
        "number" => FieldType::NUMBER,
        "boolean" => FieldType::BOOLEAN,
        "array" => FieldType::ARRAY,
        "object" => FieldType::OBJECT,
        _ => {
            return Err(format!(
                "entity {entity}, field {field}: type {text:?} is not one of string, integer, number, boolean, array, object (add ? to admit null)"
            ));
        }
    };
    Ok(if nullable { base.or_null() } else { base })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_fixtures_hold_the_shop_the_readme_names() {
        let fixtures = Fixtures::builtin().unwrap();
        assert_eq!(fixtures.tenant.as_str(), "shop");
        assert!(fixtures.data.products.contains_key("p1"));
        assert!(fixtures.data.customers.contains_key("cust_123"));
        assert_eq!(fixtures.data.orders["o1"].total.amount_minor, 2500);
        assert!(fixtures.entities.get("review").is_some());
    }

    #[test]
    fn an_order_of_an_unknown_product_is_refused_by_name() {
        let text = "tenant = \"shop\"\n[[customers]]\nid = \"c\"\nname = \"C\"\n[[orders]]\nid = \"o\"\ncustomer = \"c\"\nstatus = \"paid\"\nlines = [{ product = \"nope\", quantity = 1 }]\n";
        let error = Fixtures::parse(text, "f.toml").err().unwrap();
        assert_eq!(error.code(), "invalid-fixtures");
        assert_eq!(
            error.to_string(),
            "fixtures f.toml: order o: product \"nope\" is not among [[products]]"
        );
    }

    #[test]
    fn unknown_keys_and_field_types_are_refused() {
        let error = Fixtures::parse("tenant = \"shop\"\nproducts_ = []\n", "f.toml")
            .err()
            .unwrap();
        assert!(error.message.contains("unknown field"), "{error}");
        let text = "tenant = \"shop\"\n[[entities]]\nname = \"e\"\nfields = { a = \"text\" }\nmoments = [\"before-create\"]\n";
        let error = Fixtures::parse(text, "f.toml").err().unwrap();
        assert!(
            error.message.contains("type \"text\" is not one of"),
            "{error}"
        );
    }

    #[test]
    fn an_invalid_tenant_is_refused() {
        let error = Fixtures::parse("tenant = \"Not A Slug\"\n", "f.toml")
            .err()
            .unwrap();
        assert!(error.message.starts_with("tenant: "), "{error}");
    }
}
