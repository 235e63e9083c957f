"""hooklab: webhooks for MarTech, with a real stack in your notebook."""
