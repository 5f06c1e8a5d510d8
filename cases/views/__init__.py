"""Views, one module per concern. Small typed function views; the logic lives in models and the engine."""
