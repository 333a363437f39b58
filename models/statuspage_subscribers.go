package models

// queueSubscriberNotices records what the account's page subscribers are to be told about n, in
// tx (every notice is a row before it is a queue task). Callers: public incident updates,
// maintenance windows, published component status changes.
//
// Contract stub (issue 11): the subscribers work replaces this body.
func (s *Store) queueSubscriberNotices(tx *Tx, n SubscriberNotice) error {
	_, _ = tx, n
	return nil
}
