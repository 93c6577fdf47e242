"""Checks that run when no sentence met the requirement: a looser match makes it partial."""

from __future__ import annotations

from contractkit.catalogue.model import Detection
from contractkit.checking.rules.model import ContractParties, Judgement, Sentences
from contractkit.checking.rules.registry import FallbackCheck, Labeller, detection_problems, pipeline_for, register
from contractkit.checking.rules.wording import duty_zh, groups_zh


class WeakerDetection(Detection):
    """A looser description of the requirement, with the reason a match of it is only partial."""

    reason: str


@register("weaker_fallback")
class WeakerFallback(FallbackCheck):
    """Nothing met the requirement, but its looser description is satisfied (duties assigned to named
    parties, but no explicit division of the security work): partial, with the catalogue's reason."""

    Params = WeakerDetection
    params: WeakerDetection

    def problems(self) -> list[str]:
        return detection_problems(self.params)

    def concepts(self) -> set[str]:
        return set(pipeline_for(self.params).concepts)

    def fallback(self, sentences: Sentences, parties: ContractParties) -> Judgement | None:
        from contractkit.checking.rules.evaluate import judge_detection
        from contractkit.results.model import Status

        # Duties assigned elsewhere still count when one clause reads as the opposite of the looser
        # description (我们可以自行将部分服务交由第三方提供，无需征得您的同意).
        looser = judge_detection(self.params, sentences, parties, only=Status.SATISFIED)
        if looser.status is Status.SATISFIED:
            return Judgement(Status.PARTIAL, looser.evidence, self.params.reason, self.name)
        return None

    def describe(self, label: Labeller) -> str:
        looser = f"同一句中有{groups_zh(self.params.all_of, label)}"
        if self.params.actor:
            looser += f"，为{duty_zh(self.params.actor, self.params.modality)}"
        return f"以上均未找到时，若{looser}：部分满足（{self.params.reason}）"
