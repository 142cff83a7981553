"""NumPy / PyTorch comparison for the lanes kernels. Importing this package does not import NumPy."""
