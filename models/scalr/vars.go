package scalr

import "strings"

// Interpolate renders a webhook's user data (design §6.3): every placeholder {NAME} is replaced by
// vars[NAME], and a placeholder whose NAME is not in vars is removed.
//
// NAME is one or more of A-Z a-z 0-9 _ and is case-sensitive. Anything else is copied as is:
// a lone or unbalanced brace, "{}", "{ NAME }", "{A-B}". Replacement values are inserted literally
// and never scanned again, so a value containing "{X}" stays "{X}". With "{{A}}" the outer braces
// are not part of a placeholder and stay: the result is "{" + value + "}".
func Interpolate(userData string, vars map[string]string) string {
	if strings.IndexByte(userData, '{') < 0 {
		return userData
	}
	var b strings.Builder
	b.Grow(len(userData))
	for i := 0; i < len(userData); {
		if userData[i] == '{' {
			j := i + 1
			for j < len(userData) && isNameByte(userData[j]) {
				j++
			}
			if j > i+1 && j < len(userData) && userData[j] == '}' {
				b.WriteString(vars[userData[i+1:j]])
				i = j + 1
				continue
			}
		}
		b.WriteByte(userData[i])
		i++
	}
	return b.String()
}

func isNameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}

// Variable is a user global variable already resolved along the scope chain.
type Variable struct {
	Name   string
	Value  string
	Hidden bool // "private": left out of data when the webhook skips private variables
}

// ResolveVariables builds the two variable maps of one delivery:
//
//   - data, the payload's `data` object: builtins plus user variables, without hidden user
//     variables when skipPrivate is set;
//   - all, what Interpolate sees: builtins plus every user variable, hidden ones included.
//
// A built-in variable wins over a user variable of the same name, in both maps and whatever the
// user variable's hidden flag (a hidden user SCALR_EVENT_NAME neither replaces nor removes the
// built-in). When user repeats a name, the last occurrence wins, so a caller may pass the chain
// from the widest scope to the narrowest. Both maps are new; the inputs are not modified.
func ResolveVariables(builtins map[string]string, user []Variable, skipPrivate bool) (data, all map[string]string) {
	data = make(map[string]string, len(builtins)+len(user))
	all = make(map[string]string, len(builtins)+len(user))
	hidden := make(map[string]bool, len(user))
	for _, v := range user {
		all[v.Name] = v.Value
		hidden[v.Name] = v.Hidden
	}
	for name, value := range all {
		if !(skipPrivate && hidden[name]) {
			data[name] = value
		}
	}
	// Built-ins last: they replace a user variable of the same name in both maps, and put back
	// one that a hidden user variable had kept out of data.
	for name, value := range builtins {
		data[name] = value
		all[name] = value
	}
	return data, all
}
