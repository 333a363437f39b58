package models

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The GraphQL layer shows these string enums in upper case (CRITICAL, MAJOR_OUTAGE…). The two
// helpers keep each type's MarshalGQL/UnmarshalGQL to one line, and need no GraphQL import.

func writeEnum[T ~string](w io.Writer, v T) {
	_, _ = io.WriteString(w, strconv.Quote(strings.ToUpper(string(v))))
}

func readEnum[T ~string](v any, valid func(T) bool, what string) (T, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string", what)
	}
	t := T(strings.ToLower(s))
	if !valid(t) {
		return "", fmt.Errorf("%q is not a valid %s", s, what)
	}
	return t, nil
}

// Severity of an incident.
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

var severityRank = map[Severity]int{SeverityCritical: 4, SeverityHigh: 3, SeverityMedium: 2, SeverityLow: 1}

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return severityRank[s] > 0 }

// MarshalGQL implements the GraphQL enum encoding.
func (s Severity) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *Severity) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, Severity.Valid, "severity")
	return err
}

// IncidentStatus is where an incident is in its life.
type IncidentStatus string

const (
	IncidentTriggered    IncidentStatus = "triggered"
	IncidentAcknowledged IncidentStatus = "acknowledged"
	IncidentResolved     IncidentStatus = "resolved"
)

// Valid reports whether s is a known status.
func (s IncidentStatus) Valid() bool {
	return s == IncidentTriggered || s == IncidentAcknowledged || s == IncidentResolved
}

// MarshalGQL implements the GraphQL enum encoding.
func (s IncidentStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *IncidentStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, IncidentStatus.Valid, "incident status")
	return err
}

// IncidentSource says what opened an incident.
type IncidentSource string

const (
	SourceCloudWatch IncidentSource = "aws_cloudwatch"
	SourceManual     IncidentSource = "manual"
	SourceAPI        IncidentSource = "api"
)

// Valid reports whether s is a known source.
func (s IncidentSource) Valid() bool {
	return s == SourceCloudWatch || s == SourceManual || s == SourceAPI
}

// MarshalGQL implements the GraphQL enum encoding.
func (s IncidentSource) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *IncidentSource) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, IncidentSource.Valid, "incident source")
	return err
}

// ComponentStatus is the state of a component as users see it.
type ComponentStatus string

const (
	StatusOperational         ComponentStatus = "operational"
	StatusDegradedPerformance ComponentStatus = "degraded_performance"
	StatusPartialOutage       ComponentStatus = "partial_outage"
	StatusMajorOutage         ComponentStatus = "major_outage"
	StatusUnderMaintenance    ComponentStatus = "under_maintenance"
)

// Valid reports whether s is a known component status.
func (s ComponentStatus) Valid() bool {
	switch s {
	case StatusOperational, StatusDegradedPerformance, StatusPartialOutage, StatusMajorOutage, StatusUnderMaintenance:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (s ComponentStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *ComponentStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, ComponentStatus.Valid, "component status")
	return err
}

// StatusForSeverity maps the worst open incident's severity to the component's status.
func StatusForSeverity(s Severity) ComponentStatus {
	switch s {
	case SeverityCritical:
		return StatusMajorOutage
	case SeverityHigh:
		return StatusPartialOutage
	case SeverityMedium, SeverityLow:
		return StatusDegradedPerformance
	}
	return StatusOperational
}
