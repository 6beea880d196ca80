//! The closed catalog of storefront slots a module can fill with widget descriptors.

use crate::catalog::closed_enum;

closed_enum! {
    /// A place in the storefront where a module may render typed widgets.
    pub enum Slot ("slot") {
        /// Buttons on a product card in listings.
        ProductCardActions => "product-card.actions",
        /// Badges on a product card in listings.
        ProductCardBadges => "product-card.badges",
        /// Buttons on the product page.
        ProductPageActions => "product-page.actions",
        /// Extra detail blocks on the product page.
        ProductPageDetails => "product-page.details",
        /// Sections of the customer account page.
        AccountSections => "account.sections",
        /// Links in the storefront header.
        HeaderLinks => "header.links",
    }
}
