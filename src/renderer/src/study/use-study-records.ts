import { useCallback, useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { isEngineLinkError } from '../api/connection';
import type { ParticipantEntry, StudyEntry } from '../../../shared/study';

/** Participants and studies as the engine lists them, shared by the Study view and the record bar's pickers. */
export interface StudyRecords {
  participants: ParticipantEntry[];
  studies: StudyEntry[];
  refresh(): void;
}

/** Loads both lists, again whenever `sessions` changes (their counts follow recordings, imports and deletes). */
export function useStudyRecords(api: VitalsApi, report: (error: unknown, context: string) => void, sessions: unknown): StudyRecords {
  const [participants, setParticipants] = useState<ParticipantEntry[]>([]);
  const [studies, setStudies] = useState<StudyEntry[]>([]);
  const refresh = useCallback(() => {
    api.listParticipants().then(setParticipants, (e: unknown) => isEngineLinkError(e) || report(e, 'List participants'));
    api.listStudies().then(setStudies, (e: unknown) => isEngineLinkError(e) || report(e, 'List studies'));
  }, [api, report]);
  useEffect(refresh, [refresh, sessions]);
  return { participants, studies, refresh };
}
