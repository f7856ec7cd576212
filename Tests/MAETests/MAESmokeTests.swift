import Testing
@testable import MAE
