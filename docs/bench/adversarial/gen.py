# Writes the adversarial inputs of docs/bad-input.md ("Amplifying input")
# into the directory given (default: the current one). Run from the repo root:
#   python3 docs/bench/adversarial/gen.py /tmp/adv
import json, os, sys

out = sys.argv[1] if len(sys.argv) > 1 else "."
corpus = os.path.join(os.path.dirname(__file__), "..", "..", "..", "internal", "corpus", "testdata")
os.makedirs(out, exist_ok=True)
def w(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(out, name), mode) as f:
        f.write(data)
def own(name):
    return open(os.path.join(corpus, name), encoding="utf-8").read()

n = (1 << 20) - 64  # under NEWSBRIEF_MAX_BYTES
pre = "Amazon investe in Italia\n\nAmazon ha annunciato oggi a Milano un nuovo investimento nel cloud e nei data center italiani.\n\n"
for name, unit in [("amounts-only.txt", "$1 "), ("money-phrases.txt", "Amazon investe 10 miliardi di dollari, ")]:
    w(name, pre + unit * ((n - len(pre.encode())) // len(unit.encode())))
first = ["Marco", "Giulia", "Luca", "Anna", "Paolo", "Sara", "Matteo", "Elena", "Davide", "Chiara"]
last = ["Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno"]
names, size, i = [], 0, 0
while size < n - 40:
    s = "%s %s " % (first[i % 10], last[(i // 10) % 10]); names.append(s); size += len(s.encode()); i += 1
w("names-only.txt", "".join(names))
u = "la società di Milano ha investito molto nel cloud "
w("one-sentence.txt", u * (n // len(u.encode())))
w("20k-sentences.txt", "Amazon ha investito 10 milioni di euro a Milano. " * 20000)
marks = ["\u0300", "\u0301", "\u0302", "\u0308", "\u0334", "\u0336", "\u0337", "\u0338", "\u0327", "\u0328"]
z = []
for j, ch in enumerate(own("it_leonardo_satelliti.txt")):
    z.append(ch)
    if ch.isalpha():
        z.extend(marks[(j + k) % 10] for k in range(30))
zs = "".join(z)
while len(zs.encode()) < 264000:
    zs = zs + "\n\n" + zs
w("zalgo.txt", zs[:140000])
b = own("it_fibra_mezzogiorno.txt").encode()
w("mostly-utf8.txt", b[:400] + b"\xff" + b[400:800] + b"\xc3" + b[800:])
w("md-injection.txt", "Titolo <script>alert(1)</script>\n\nAmazon e Microsoft firmano a Milano un accordo da 10 milioni di euro. <img src=x onerror=alert(1)> Il [link](javascript:alert(1)) e ![i](http://evil/x.png) sono nel testo. La società investirà anche a Roma nel 2026.\n")
w("js-url.json", json.dumps({"body": own("en_samsung_texas.txt"), "url": "javascript:alert(document.cookie)"}))
