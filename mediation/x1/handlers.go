package x1

import (
	"context"
	"strings"
)

// dispatch carries out one request message. detail collects what the audit entry
// records about it: identifiers and counts, never a target identity.
func (s *Server) dispatch(ctx context.Context, rt RequestType, known bool, m *Message, detail map[string]string) (Message, error) {
	if !known {
		return Message{}, errorf(CodeUnsupportedRequest, "request type %q is not supported", token(localType(m.TypeIn), ""))
	}
	if err := s.checkHeader(m); err != nil {
		return Message{}, err
	}
	ok := Message{TypeOut: rt.ResponseXSIType(), OK: "AcknowledgedAndCompleted"}
	switch rt {
	case ActivateTask, ModifyTask:
		t, err := ParseTask(m.TaskDetails)
		if m.TaskDetails != nil && ValidUUID(m.TaskDetails.XID) {
			detail["xId"] = m.TaskDetails.XID
		}
		if err != nil {
			return Message{}, err
		}
		detail["liids"] = strings.Join(t.LIIDs(), ",")
		detail["targets"] = itoa(len(t.Targets))
		if s.opt.Redactor != nil {
			for _, tg := range t.Targets {
				s.opt.Redactor.Add(tg.Value)
			}
		}
		if rt == ActivateTask {
			err = s.store.ActivateTask(ctx, t)
		} else {
			err = s.store.ModifyTask(ctx, t)
		}
		return ok, err
	case DeactivateTask:
		xid := strings.TrimSpace(m.XID)
		if err := checkUUID("xId", xid); err != nil {
			return Message{}, err
		}
		detail["xId"] = xid
		liids, err := s.store.DeactivateTask(ctx, xid)
		detail["liids"] = strings.Join(liids, ",")
		return ok, err
	case DeactivateAllTasks:
		n, err := s.store.DeactivateAllTasks(ctx)
		detail["tasks"] = itoa(n)
		return ok, err
	case GetTaskDetails:
		xid := strings.TrimSpace(m.XID)
		if err := checkUUID("xId", xid); err != nil {
			return Message{}, err
		}
		detail["xId"] = xid
		t, err := s.store.Task(ctx, xid)
		if err != nil {
			return Message{}, err
		}
		trd := taskResponse(t)
		return Message{TypeOut: rt.ResponseXSIType(), TaskResponseDetails: &trd}, nil
	case GetAllDetails:
		snap, err := s.store.Snapshot(ctx)
		if err != nil {
			return Message{}, err
		}
		resp := Message{TypeOut: rt.ResponseXSIType(), NeStatusDetails: &NeStatusDetails{NeStatus: "OK"},
			ListOfTaskResponseDetails: &ListOfTaskResponseDetails{}, ListOfDestinationResponseDetails: &ListOfDestinationResponseDetails{}}
		for _, t := range snap.Tasks {
			resp.ListOfTaskResponseDetails.Tasks = append(resp.ListOfTaskResponseDetails.Tasks, taskResponse(t))
		}
		for _, d := range snap.Destinations {
			resp.ListOfDestinationResponseDetails.Destinations = append(resp.ListOfDestinationResponseDetails.Destinations, destResponse(d))
		}
		detail["tasks"], detail["destinations"] = itoa(len(snap.Tasks)), itoa(len(snap.Destinations))
		return resp, nil
	case CreateDestination, ModifyDestination:
		d, err := ParseDestination(m.DestinationDetails)
		if m.DestinationDetails != nil && ValidUUID(m.DestinationDetails.DID) {
			detail["dId"] = m.DestinationDetails.DID
		}
		if err != nil {
			return Message{}, err
		}
		if s.opt.CheckDestination != nil {
			if err := s.opt.CheckDestination(d); err != nil {
				return Message{}, &Error{Code: CodeBadDestination, Msg: err.Error()}
			}
		}
		if rt == CreateDestination {
			err = s.store.CreateDestination(ctx, d)
		} else {
			err = s.store.ModifyDestination(ctx, d)
		}
		return ok, err
	case RemoveDestination:
		did := strings.TrimSpace(m.DID)
		if err := checkUUID("dId", did); err != nil {
			return Message{}, err
		}
		detail["dId"] = did
		return ok, s.store.RemoveDestination(ctx, did)
	case GetDestinationDetails:
		did := strings.TrimSpace(m.DID)
		if err := checkUUID("dId", did); err != nil {
			return Message{}, err
		}
		detail["dId"] = did
		d, err := s.store.Destination(ctx, did)
		if err != nil {
			return Message{}, err
		}
		drd := destResponse(d)
		return Message{TypeOut: rt.ResponseXSIType(), DestinationResponseDetails: &drd}, nil
	case Ping, Keepalive:
		return ok, nil
	default:
		return Message{}, errorf(CodeUnsupportedRequest, "request type %s is not supported", rt)
	}
}

func taskResponse(t *Task) TaskResponseDetails {
	n := t.Modifications
	return TaskResponseDetails{TaskDetails: t.Details(), TaskStatus: TaskStatus{
		ProvisioningStatus: "complete", TimeOfLastModification: FormatTime(t.Modified), NumberOfModifications: &n,
	}}
}

func destResponse(d *Destination) DestinationResponseDetails {
	return DestinationResponseDetails{DestinationDetails: d.Details(), DestinationStatus: DestinationStatus{DestinationDeliveryStatus: "activeAndWorking"}}
}
