package amount_test

import (
	"fmt"

	"github.com/newsbrief/newsbrief/pkg/amount"
)

func ExampleFind() {
	text := "Amazon potrebbe investire oltre 10 miliardi di dollari in OpenAI, che usa il 27% di 500.000 chip dal 17 dicembre 2025."
	for _, a := range amount.Find(text, "it") {
		fmt.Printf("%s %q value=%g cur=%s unit=%s q=%s iso=%s\n", a.Kind, a.Text, a.Value, a.Currency, a.Unit, a.Qualifier, a.ISO)
	}
	// Output:
	// MONEY "10 miliardi di dollari" value=1e+10 cur=USD unit= q=over iso=
	// PERCENT "27%" value=27 cur= unit= q= iso=
	// QUANTITY "500.000 chip" value=500000 cur= unit=chip q= iso=
	// DATE "17 dicembre 2025" value=0 cur= unit= q= iso=2025-12-17
}

func ExampleNormalise() {
	a, ok := amount.Normalise("more than $38 billion", "en")
	fmt.Println(ok, a.Kind, a.Text, a.Value, a.Currency, a.Qualifier)
	// Output: true MONEY $38 billion 3.8e+10 USD over
}
