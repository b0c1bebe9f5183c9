// Package policies embeds the Casbin model and policy that decide what
// each role may do.
package policies

import _ "embed"

// Model is the Casbin model (RBAC with domain patterns).
//
//go:embed model.conf
var Model string

// Policy is the policy: one line per role, object type and action.
//
//go:embed policy.csv
var Policy string
