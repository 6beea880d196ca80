//! Fixed PEM keys for the identity unit tests.

// Fixed test keys generated once with `openssl genpkey` (RSA 2048, Ed25519, RSA 1024).
// They protect nothing; they exist so tests never generate keys at run time.
pub(super) const RSA_PRIVATE_PEM: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCoLjwhp7lRF/XC\n\
Pd4IPjT8Rj9nrdo75giAbG31YT/K7V4EhwUDauOSWWJECsI7YwwdQw3+kt739F2j\n\
SQrn/I9afQguNYp2UNxY19XvaLgDOJkcCqGXBOHNxBGNxzuqdjiH2zOlw8sjp9Wg\n\
UU2Ki6NlXbsECiodh9aqEKA94zk/Zgl41qs0/hyeeyNCqZ6bW/xyrZW23cOkGPDX\n\
xqMECoOf3WHwQWnq+5Q2tvJXeMTRkYva5ZXmAssFnTAFG/5s2vgqAa49siiL02ju\n\
14Rh4DxgfX8bXwIENLeSR6DKbPsB+obhcn8Yf5RPoykxrvcV0A9/a8lSGiyiWJRy\n\
uBb2dKnNAgMBAAECggEACEb6Q6fHGaQlvtEfr+Ur42yrqzUlxAPu0C9F/Ck0pA6p\n\
rWxdxUzJ9YZ7rSCgbZ7S1k/aDPj6i1aWEzbBmChYf9oegHO3JFqXdbHtwBI12Ea9\n\
VmF5kX62hFONj55KI/ocjyctNA/eXBtjCrhlqhd0S8VgsnKznu90E7usv08DHskY\n\
2J5vuusrJ9BJI0zFDYtaRxTT1i+ofPWv0PSaiYlFHY3TjawfbCYXHTFQQ1HRdXKc\n\
gDs+LeKQImz2YjUB5Kxnmy+870864Spal+CGcr4fVQeGX+HgcOOXOz+Gffki6db9\n\
TcLmjoXdky4R9U+rmMX/n3wcVEIUHM2M+jQZPHbtsQKBgQDhZVfLwY0bdJ6G0RAI\n\
d7/bGMrdVX1o4eWohi6PM75rYguBnAOARipnlIsSgipx3t6U14gj+72phk7TeyJx\n\
YjEOPKtjUv4d4RxUe6KjC65a6Fh6A42APgXl1cg35PHhknr3tli5B7ZAWAfnH5OW\n\
vPH/+0u3prN7mmnoqR1PQZEvJQKBgQC/BB2UihvggVRXRKVD46/T2pyGsfl6+PM2\n\
A2I6IxfHieXyn5ZcOp9PiGH3g40Kvf5UFYVVkhz4Jc++5s3Fk6DiJE+8Nc/D/5SI\n\
0v5ohJ6Hai/wyEWs46pYZWk/RKwJ13o68ILe6ecLGqzoCaTjTtwLgmZ7mI8FP9Vz\n\
GVLCQ9EDiQKBgHy6Ae2E+7rXu+nKwt6MtaRegdQdPLrPVrD9H8Kq1ZLCvK9KUD2p\n\
lkmfT548XZSJyg3/fxy6b+fhpLkuiI7J0W+ZbxYVlP2f1neBuywSiLdRn7RVRvZS\n\
XB0lQhh8HsW+s0FkrJAnjljo3eat+JQPlrMasnm8S9H4TucqvkdfdyHpAoGBALPD\n\
P8NGpi2GCMWICK/3WsVZeu0YGN0t5FT0okBsPji/AfRvU6XAVaUXiHrTBq0RWIPx\n\
LOX29+RgUT4rH4PNBx9LZO6PBdRCdpq9VkcuZ7KwsCU9lLS8HNfLuFyeV/l7G8DU\n\
D5WRMqo0lHxadx6kXFlIgwHV9OLPzCThtAy2ncFhAoGAcQjdc7JkkzwsN3qK5Wvf\n\
pwz72dQpAyIFgz14gDFIMnrrYwWz4IcYWbmNuls97VgslsXGDgShIU6SnIm7BM3G\n\
MUKOxodxIkGg0ww/KTiJNFufZs6yPDdVZBH4lGso4brdP586d6t9TvSVDK7PegW1\n\
XSudGJM+EtYzIRgAL4G45TE=\n\
-----END PRIVATE KEY-----\n\
";
pub(super) const RSA_PUBLIC_PEM: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqC48Iae5URf1wj3eCD40\n\
/EY/Z63aO+YIgGxt9WE/yu1eBIcFA2rjklliRArCO2MMHUMN/pLe9/Rdo0kK5/yP\n\
Wn0ILjWKdlDcWNfV72i4AziZHAqhlwThzcQRjcc7qnY4h9szpcPLI6fVoFFNiouj\n\
ZV27BAoqHYfWqhCgPeM5P2YJeNarNP4cnnsjQqmem1v8cq2Vtt3DpBjw18ajBAqD\n\
n91h8EFp6vuUNrbyV3jE0ZGL2uWV5gLLBZ0wBRv+bNr4KgGuPbIoi9No7teEYeA8\n\
YH1/G18CBDS3kkegymz7AfqG4XJ/GH+UT6MpMa73FdAPf2vJUhosoliUcrgW9nSp\n\
zQIDAQAB\n\
-----END PUBLIC KEY-----\n\
";
pub(super) const ED_PRIVATE_PEM: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MC4CAQAwBQYDK2VwBCIEIA55kRVs0p6dK75NL3bU3TuwewAJbQsputOXu58IdgS4\n\
-----END PRIVATE KEY-----\n\
";
pub(super) const ED_PUBLIC_PEM: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MCowBQYDK2VwAyEA648hhftIyjM4EdC0WEXkwnY5XaESDy5LGMjSc1ACFSw=\n\
-----END PUBLIC KEY-----\n\
";
pub(super) const RSA_1024_PUBLIC_PEM: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCYsh+fpqpQH1C0WfZ6iIibeqPY\n\
rsp16adzy9xL4DHcZp7kP6AdJTXXpFX0YPeZ2T1aJrOxxRw9c9FC+Af9fId1W8eH\n\
4Hjt0M3W47dx/9HNi52MrQ0rdQh6jSGbuCvR8sKe0JDkh9tSMF3G6HfSjARsV5M1\n\
wV8aB1qoPh3GqBi9OQIDAQAB\n\
-----END PUBLIC KEY-----\n\
";
