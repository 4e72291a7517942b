"""National standards (HJ 633, HJ 663, GB 3095, GB 3838, GB 3096) and the indicator engine."""
