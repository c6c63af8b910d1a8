package io.tajo.connectors.mapping;

/** One step of a field's transform chain, built once at load. */
@FunctionalInterface
interface Conversion {
    Object apply(Object value) throws InvalidValueException;
}
