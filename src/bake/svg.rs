//! SVG elements.
