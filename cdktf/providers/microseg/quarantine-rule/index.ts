// https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface QuarantineRuleConfig extends cdktf.TerraformMetaArguments {
  /**
  * Free text for humans.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#description QuarantineRule#description}
  */
  readonly description?: string;
  /**
  * What may still connect to the quarantined entities (forensic tools).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#inbound QuarantineRule#inbound}
  */
  readonly inbound?: QuarantineRuleInbound[] | cdktf.IResolvable;
  /**
  * true: every new connection this rule decides is written as one JSON line to the rule log (and to MICROSEG_SYSLOG when set).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#log QuarantineRule#log}
  */
  readonly log?: boolean | cdktf.IResolvable;
  /**
  * `monitor` forwards and records would-deny connections; `apply` enforces; `off` keeps the rule as a draft: stored and validated, never enforced (explain and reachability name the drafts that would have matched).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#mode QuarantineRule#mode}
  */
  readonly mode: string;
  /**
  * Rule name. Unique; the import ID.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#name QuarantineRule#name}
  */
  readonly name: string;
  /**
  * Where the quarantined entities may still connect.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#outbound QuarantineRule#outbound}
  */
  readonly outbound?: QuarantineRuleOutbound[] | cdktf.IResolvable;
  /**
  * The quarantined entities; default Quarantine = Forensic. (Quarantine = Strict entities have no traffic at all, whatever a rule lists.)
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#target QuarantineRule#target}
  */
  readonly target?: QuarantineRuleTarget;
}
export interface QuarantineRuleInboundFrom {
  /**
  * Address groups whose CIDRs are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#address_groups QuarantineRule#address_groups}
  */
  readonly addressGroups?: string[];
  /**
  * true: every address, entity or external.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#any QuarantineRule#any}
  */
  readonly any?: boolean | cdktf.IResolvable;
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#categories QuarantineRule#categories}
  */
  readonly categories?: { [key: string]: string[] } | cdktf.IResolvable;
  /**
  * CIDRs or address ranges that are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#cidrs QuarantineRule#cidrs}
  */
  readonly cidrs?: string[];
  /**
  * CIDRs taken out of the peer: an address in one of them never matches it, whatever part would include it.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#except QuarantineRule#except}
  */
  readonly except?: string[];
}

export function quarantineRuleInboundFromToTerraform(struct?: QuarantineRuleInboundFrom): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    address_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.addressGroups),
    any: cdktf.booleanToTerraform(struct!.any),
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
    cidrs: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.cidrs),
    except: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.except),
  }
}


export function quarantineRuleInboundFromToHclTerraform(struct?: QuarantineRuleInboundFrom): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    address_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.addressGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    any: {
      value: cdktf.booleanToHclTerraform(struct!.any),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
    cidrs: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.cidrs),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    except: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.except),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleInboundFromOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): QuarantineRuleInboundFrom | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._addressGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.addressGroups = this._addressGroups;
    }
    if (this._any !== undefined) {
      hasAnyValues = true;
      internalValueResult.any = this._any;
    }
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    if (this._cidrs !== undefined) {
      hasAnyValues = true;
      internalValueResult.cidrs = this._cidrs;
    }
    if (this._except !== undefined) {
      hasAnyValues = true;
      internalValueResult.except = this._except;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleInboundFrom | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this._addressGroups = undefined;
      this._any = undefined;
      this._categories = undefined;
      this._cidrs = undefined;
      this._except = undefined;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this._addressGroups = value.addressGroups;
      this._any = value.any;
      this._categories = value.categories;
      this._cidrs = value.cidrs;
      this._except = value.except;
    }
  }

  // address_groups - computed: true, optional: true, required: false
  private _addressGroups?: string[]; 
  public get addressGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('address_groups'));
  }
  public set addressGroups(value: string[]) {
    this._addressGroups = value;
  }
  public resetAddressGroups() {
    this._addressGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get addressGroupsInput() {
    return this._addressGroups;
  }

  // any - computed: true, optional: true, required: false
  private _any?: boolean | cdktf.IResolvable; 
  public get any() {
    return this.getBooleanAttribute('any');
  }
  public set any(value: boolean | cdktf.IResolvable) {
    this._any = value;
  }
  public resetAny() {
    this._any = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get anyInput() {
    return this._any;
  }

  // categories - computed: true, optional: true, required: false
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  public resetCategories() {
    this._categories = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }

  // cidrs - computed: true, optional: true, required: false
  private _cidrs?: string[]; 
  public get cidrs() {
    return cdktf.Fn.tolist(this.getListAttribute('cidrs'));
  }
  public set cidrs(value: string[]) {
    this._cidrs = value;
  }
  public resetCidrs() {
    this._cidrs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get cidrsInput() {
    return this._cidrs;
  }

  // except - computed: true, optional: true, required: false
  private _except?: string[]; 
  public get except() {
    return cdktf.Fn.tolist(this.getListAttribute('except'));
  }
  public set except(value: string[]) {
    this._except = value;
  }
  public resetExcept() {
    this._except = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exceptInput() {
    return this._except;
  }
}
export interface QuarantineRuleInboundServices {
  /**
  * ICMP code (icmp/icmpv6 only, requires icmp_type); absent means every code.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#icmp_code QuarantineRule#icmp_code}
  */
  readonly icmpCode?: number;
  /**
  * ICMP type (icmp/icmpv6 only); absent means every type.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#icmp_type QuarantineRule#icmp_type}
  */
  readonly icmpType?: number;
  /**
  * Destination ports for tcp/udp/sctp; empty or absent means every port.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#ports QuarantineRule#ports}
  */
  readonly ports?: string[];
  /**
  * IP protocol: tcp, udp, sctp (with ports), icmp, icmpv6 (with type/code), any, another protocol by name (igmp, ipip, gre, esp, ah, ospf, pim, vrrp, l2tp) or by number (0-255, kept as written; a number means the protocol it names: 47 is gre, 6 is tcp).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#protocol QuarantineRule#protocol}
  */
  readonly protocol: string;
}

export function quarantineRuleInboundServicesToTerraform(struct?: QuarantineRuleInboundServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    icmp_code: cdktf.numberToTerraform(struct!.icmpCode),
    icmp_type: cdktf.numberToTerraform(struct!.icmpType),
    ports: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.ports),
    protocol: cdktf.stringToTerraform(struct!.protocol),
  }
}


export function quarantineRuleInboundServicesToHclTerraform(struct?: QuarantineRuleInboundServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    icmp_code: {
      value: cdktf.numberToHclTerraform(struct!.icmpCode),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    icmp_type: {
      value: cdktf.numberToHclTerraform(struct!.icmpType),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    ports: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.ports),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    protocol: {
      value: cdktf.stringToHclTerraform(struct!.protocol),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleInboundServicesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): QuarantineRuleInboundServices | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._icmpCode !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpCode = this._icmpCode;
    }
    if (this._icmpType !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpType = this._icmpType;
    }
    if (this._ports !== undefined) {
      hasAnyValues = true;
      internalValueResult.ports = this._ports;
    }
    if (this._protocol !== undefined) {
      hasAnyValues = true;
      internalValueResult.protocol = this._protocol;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleInboundServices | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._icmpCode = undefined;
      this._icmpType = undefined;
      this._ports = undefined;
      this._protocol = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._icmpCode = value.icmpCode;
      this._icmpType = value.icmpType;
      this._ports = value.ports;
      this._protocol = value.protocol;
    }
  }

  // icmp_code - computed: true, optional: true, required: false
  private _icmpCode?: number; 
  public get icmpCode() {
    return this.getNumberAttribute('icmp_code');
  }
  public set icmpCode(value: number) {
    this._icmpCode = value;
  }
  public resetIcmpCode() {
    this._icmpCode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpCodeInput() {
    return this._icmpCode;
  }

  // icmp_type - computed: true, optional: true, required: false
  private _icmpType?: number; 
  public get icmpType() {
    return this.getNumberAttribute('icmp_type');
  }
  public set icmpType(value: number) {
    this._icmpType = value;
  }
  public resetIcmpType() {
    this._icmpType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpTypeInput() {
    return this._icmpType;
  }

  // ports - computed: true, optional: true, required: false
  private _ports?: string[]; 
  public get ports() {
    return cdktf.Fn.tolist(this.getListAttribute('ports'));
  }
  public set ports(value: string[]) {
    this._ports = value;
  }
  public resetPorts() {
    this._ports = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portsInput() {
    return this._ports;
  }

  // protocol - computed: true, optional: false, required: true
  private _protocol?: string; 
  public get protocol() {
    return this.getStringAttribute('protocol');
  }
  public set protocol(value: string) {
    this._protocol = value;
  }
  // Temporarily expose input value. Use with caution.
  public get protocolInput() {
    return this._protocol;
  }
}

export class QuarantineRuleInboundServicesList extends cdktf.ComplexList {
  public internalValue? : QuarantineRuleInboundServices[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): QuarantineRuleInboundServicesOutputReference {
    return new QuarantineRuleInboundServicesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface QuarantineRuleInboundTo {
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#categories QuarantineRule#categories}
  */
  readonly categories: { [key: string]: string[] } | cdktf.IResolvable;
}

export function quarantineRuleInboundToToTerraform(struct?: QuarantineRuleInboundTo | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
  }
}


export function quarantineRuleInboundToToHclTerraform(struct?: QuarantineRuleInboundTo | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleInboundToOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): QuarantineRuleInboundTo | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleInboundTo | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._categories = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._categories = value.categories;
    }
  }

  // categories - computed: true, optional: false, required: true
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }
}
export interface QuarantineRuleInbound {
  /**
  * The other end of a connection: the union of the entities matched by categories, the address groups, the CIDRs, or anything, minus `except`.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#from QuarantineRule#from}
  */
  readonly from: QuarantineRuleInboundFrom;
  /**
  * Service groups allowed, by name.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#service_groups QuarantineRule#service_groups}
  */
  readonly serviceGroups?: string[];
  /**
  * Services allowed. With no services and no service_groups every protocol and port is allowed.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#services QuarantineRule#services}
  */
  readonly services?: QuarantineRuleInboundServices[] | cdktf.IResolvable;
  /**
  * Selects entities by their categories.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#to QuarantineRule#to}
  */
  readonly to?: QuarantineRuleInboundTo;
}

export function quarantineRuleInboundToTerraform(struct?: QuarantineRuleInbound | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    from: quarantineRuleInboundFromToTerraform(struct!.from),
    service_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.serviceGroups),
    services: cdktf.listMapper(quarantineRuleInboundServicesToTerraform, false)(struct!.services),
    to: quarantineRuleInboundToToTerraform(struct!.to),
  }
}


export function quarantineRuleInboundToHclTerraform(struct?: QuarantineRuleInbound | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    from: {
      value: quarantineRuleInboundFromToHclTerraform(struct!.from),
      isBlock: true,
      type: "struct",
      storageClassType: "QuarantineRuleInboundFrom",
    },
    service_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.serviceGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    services: {
      value: cdktf.listMapperHcl(quarantineRuleInboundServicesToHclTerraform, false)(struct!.services),
      isBlock: true,
      type: "set",
      storageClassType: "QuarantineRuleInboundServicesList",
    },
    to: {
      value: quarantineRuleInboundToToHclTerraform(struct!.to),
      isBlock: true,
      type: "struct",
      storageClassType: "QuarantineRuleInboundTo",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleInboundOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): QuarantineRuleInbound | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._from?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.from = this._from?.internalValue;
    }
    if (this._serviceGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.serviceGroups = this._serviceGroups;
    }
    if (this._services?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.services = this._services?.internalValue;
    }
    if (this._to?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.to = this._to?.internalValue;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleInbound | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._from.internalValue = undefined;
      this._serviceGroups = undefined;
      this._services.internalValue = undefined;
      this._to.internalValue = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._from.internalValue = value.from;
      this._serviceGroups = value.serviceGroups;
      this._services.internalValue = value.services;
      this._to.internalValue = value.to;
    }
  }

  // from - computed: true, optional: false, required: true
  private _from = new QuarantineRuleInboundFromOutputReference(this, "from");
  public get from() {
    return this._from;
  }
  public putFrom(value: QuarantineRuleInboundFrom) {
    this._from.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get fromInput() {
    return this._from.internalValue;
  }

  // service_groups - computed: true, optional: true, required: false
  private _serviceGroups?: string[]; 
  public get serviceGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('service_groups'));
  }
  public set serviceGroups(value: string[]) {
    this._serviceGroups = value;
  }
  public resetServiceGroups() {
    this._serviceGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceGroupsInput() {
    return this._serviceGroups;
  }

  // services - computed: true, optional: true, required: false
  private _services = new QuarantineRuleInboundServicesList(this, "services", true);
  public get services() {
    return this._services;
  }
  public putServices(value: QuarantineRuleInboundServices[] | cdktf.IResolvable) {
    this._services.internalValue = value;
  }
  public resetServices() {
    this._services.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get servicesInput() {
    return this._services.internalValue;
  }

  // to - computed: true, optional: true, required: false
  private _to = new QuarantineRuleInboundToOutputReference(this, "to");
  public get to() {
    return this._to;
  }
  public putTo(value: QuarantineRuleInboundTo) {
    this._to.internalValue = value;
  }
  public resetTo() {
    this._to.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get toInput() {
    return this._to.internalValue;
  }
}

export class QuarantineRuleInboundList extends cdktf.ComplexList {
  public internalValue? : QuarantineRuleInbound[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): QuarantineRuleInboundOutputReference {
    return new QuarantineRuleInboundOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface QuarantineRuleOutboundFrom {
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#categories QuarantineRule#categories}
  */
  readonly categories: { [key: string]: string[] } | cdktf.IResolvable;
}

export function quarantineRuleOutboundFromToTerraform(struct?: QuarantineRuleOutboundFrom | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
  }
}


export function quarantineRuleOutboundFromToHclTerraform(struct?: QuarantineRuleOutboundFrom | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleOutboundFromOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): QuarantineRuleOutboundFrom | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleOutboundFrom | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._categories = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._categories = value.categories;
    }
  }

  // categories - computed: true, optional: false, required: true
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }
}
export interface QuarantineRuleOutboundServices {
  /**
  * ICMP code (icmp/icmpv6 only, requires icmp_type); absent means every code.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#icmp_code QuarantineRule#icmp_code}
  */
  readonly icmpCode?: number;
  /**
  * ICMP type (icmp/icmpv6 only); absent means every type.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#icmp_type QuarantineRule#icmp_type}
  */
  readonly icmpType?: number;
  /**
  * Destination ports for tcp/udp/sctp; empty or absent means every port.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#ports QuarantineRule#ports}
  */
  readonly ports?: string[];
  /**
  * IP protocol: tcp, udp, sctp (with ports), icmp, icmpv6 (with type/code), any, another protocol by name (igmp, ipip, gre, esp, ah, ospf, pim, vrrp, l2tp) or by number (0-255, kept as written; a number means the protocol it names: 47 is gre, 6 is tcp).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#protocol QuarantineRule#protocol}
  */
  readonly protocol: string;
}

export function quarantineRuleOutboundServicesToTerraform(struct?: QuarantineRuleOutboundServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    icmp_code: cdktf.numberToTerraform(struct!.icmpCode),
    icmp_type: cdktf.numberToTerraform(struct!.icmpType),
    ports: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.ports),
    protocol: cdktf.stringToTerraform(struct!.protocol),
  }
}


export function quarantineRuleOutboundServicesToHclTerraform(struct?: QuarantineRuleOutboundServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    icmp_code: {
      value: cdktf.numberToHclTerraform(struct!.icmpCode),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    icmp_type: {
      value: cdktf.numberToHclTerraform(struct!.icmpType),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    ports: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.ports),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    protocol: {
      value: cdktf.stringToHclTerraform(struct!.protocol),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleOutboundServicesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): QuarantineRuleOutboundServices | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._icmpCode !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpCode = this._icmpCode;
    }
    if (this._icmpType !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpType = this._icmpType;
    }
    if (this._ports !== undefined) {
      hasAnyValues = true;
      internalValueResult.ports = this._ports;
    }
    if (this._protocol !== undefined) {
      hasAnyValues = true;
      internalValueResult.protocol = this._protocol;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleOutboundServices | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._icmpCode = undefined;
      this._icmpType = undefined;
      this._ports = undefined;
      this._protocol = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._icmpCode = value.icmpCode;
      this._icmpType = value.icmpType;
      this._ports = value.ports;
      this._protocol = value.protocol;
    }
  }

  // icmp_code - computed: true, optional: true, required: false
  private _icmpCode?: number; 
  public get icmpCode() {
    return this.getNumberAttribute('icmp_code');
  }
  public set icmpCode(value: number) {
    this._icmpCode = value;
  }
  public resetIcmpCode() {
    this._icmpCode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpCodeInput() {
    return this._icmpCode;
  }

  // icmp_type - computed: true, optional: true, required: false
  private _icmpType?: number; 
  public get icmpType() {
    return this.getNumberAttribute('icmp_type');
  }
  public set icmpType(value: number) {
    this._icmpType = value;
  }
  public resetIcmpType() {
    this._icmpType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpTypeInput() {
    return this._icmpType;
  }

  // ports - computed: true, optional: true, required: false
  private _ports?: string[]; 
  public get ports() {
    return cdktf.Fn.tolist(this.getListAttribute('ports'));
  }
  public set ports(value: string[]) {
    this._ports = value;
  }
  public resetPorts() {
    this._ports = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portsInput() {
    return this._ports;
  }

  // protocol - computed: true, optional: false, required: true
  private _protocol?: string; 
  public get protocol() {
    return this.getStringAttribute('protocol');
  }
  public set protocol(value: string) {
    this._protocol = value;
  }
  // Temporarily expose input value. Use with caution.
  public get protocolInput() {
    return this._protocol;
  }
}

export class QuarantineRuleOutboundServicesList extends cdktf.ComplexList {
  public internalValue? : QuarantineRuleOutboundServices[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): QuarantineRuleOutboundServicesOutputReference {
    return new QuarantineRuleOutboundServicesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface QuarantineRuleOutboundTo {
  /**
  * Address groups whose CIDRs are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#address_groups QuarantineRule#address_groups}
  */
  readonly addressGroups?: string[];
  /**
  * true: every address, entity or external.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#any QuarantineRule#any}
  */
  readonly any?: boolean | cdktf.IResolvable;
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#categories QuarantineRule#categories}
  */
  readonly categories?: { [key: string]: string[] } | cdktf.IResolvable;
  /**
  * CIDRs or address ranges that are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#cidrs QuarantineRule#cidrs}
  */
  readonly cidrs?: string[];
  /**
  * CIDRs taken out of the peer: an address in one of them never matches it, whatever part would include it.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#except QuarantineRule#except}
  */
  readonly except?: string[];
}

export function quarantineRuleOutboundToToTerraform(struct?: QuarantineRuleOutboundTo): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    address_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.addressGroups),
    any: cdktf.booleanToTerraform(struct!.any),
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
    cidrs: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.cidrs),
    except: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.except),
  }
}


export function quarantineRuleOutboundToToHclTerraform(struct?: QuarantineRuleOutboundTo): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    address_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.addressGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    any: {
      value: cdktf.booleanToHclTerraform(struct!.any),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
    cidrs: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.cidrs),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    except: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.except),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleOutboundToOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): QuarantineRuleOutboundTo | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._addressGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.addressGroups = this._addressGroups;
    }
    if (this._any !== undefined) {
      hasAnyValues = true;
      internalValueResult.any = this._any;
    }
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    if (this._cidrs !== undefined) {
      hasAnyValues = true;
      internalValueResult.cidrs = this._cidrs;
    }
    if (this._except !== undefined) {
      hasAnyValues = true;
      internalValueResult.except = this._except;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleOutboundTo | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this._addressGroups = undefined;
      this._any = undefined;
      this._categories = undefined;
      this._cidrs = undefined;
      this._except = undefined;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this._addressGroups = value.addressGroups;
      this._any = value.any;
      this._categories = value.categories;
      this._cidrs = value.cidrs;
      this._except = value.except;
    }
  }

  // address_groups - computed: true, optional: true, required: false
  private _addressGroups?: string[]; 
  public get addressGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('address_groups'));
  }
  public set addressGroups(value: string[]) {
    this._addressGroups = value;
  }
  public resetAddressGroups() {
    this._addressGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get addressGroupsInput() {
    return this._addressGroups;
  }

  // any - computed: true, optional: true, required: false
  private _any?: boolean | cdktf.IResolvable; 
  public get any() {
    return this.getBooleanAttribute('any');
  }
  public set any(value: boolean | cdktf.IResolvable) {
    this._any = value;
  }
  public resetAny() {
    this._any = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get anyInput() {
    return this._any;
  }

  // categories - computed: true, optional: true, required: false
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  public resetCategories() {
    this._categories = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }

  // cidrs - computed: true, optional: true, required: false
  private _cidrs?: string[]; 
  public get cidrs() {
    return cdktf.Fn.tolist(this.getListAttribute('cidrs'));
  }
  public set cidrs(value: string[]) {
    this._cidrs = value;
  }
  public resetCidrs() {
    this._cidrs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get cidrsInput() {
    return this._cidrs;
  }

  // except - computed: true, optional: true, required: false
  private _except?: string[]; 
  public get except() {
    return cdktf.Fn.tolist(this.getListAttribute('except'));
  }
  public set except(value: string[]) {
    this._except = value;
  }
  public resetExcept() {
    this._except = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exceptInput() {
    return this._except;
  }
}
export interface QuarantineRuleOutbound {
  /**
  * Selects entities by their categories.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#from QuarantineRule#from}
  */
  readonly from?: QuarantineRuleOutboundFrom;
  /**
  * Service groups allowed, by name.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#service_groups QuarantineRule#service_groups}
  */
  readonly serviceGroups?: string[];
  /**
  * Services allowed. With no services and no service_groups every protocol and port is allowed.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#services QuarantineRule#services}
  */
  readonly services?: QuarantineRuleOutboundServices[] | cdktf.IResolvable;
  /**
  * The other end of a connection: the union of the entities matched by categories, the address groups, the CIDRs, or anything, minus `except`.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#to QuarantineRule#to}
  */
  readonly to: QuarantineRuleOutboundTo;
}

export function quarantineRuleOutboundToTerraform(struct?: QuarantineRuleOutbound | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    from: quarantineRuleOutboundFromToTerraform(struct!.from),
    service_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.serviceGroups),
    services: cdktf.listMapper(quarantineRuleOutboundServicesToTerraform, false)(struct!.services),
    to: quarantineRuleOutboundToToTerraform(struct!.to),
  }
}


export function quarantineRuleOutboundToHclTerraform(struct?: QuarantineRuleOutbound | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    from: {
      value: quarantineRuleOutboundFromToHclTerraform(struct!.from),
      isBlock: true,
      type: "struct",
      storageClassType: "QuarantineRuleOutboundFrom",
    },
    service_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.serviceGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    services: {
      value: cdktf.listMapperHcl(quarantineRuleOutboundServicesToHclTerraform, false)(struct!.services),
      isBlock: true,
      type: "set",
      storageClassType: "QuarantineRuleOutboundServicesList",
    },
    to: {
      value: quarantineRuleOutboundToToHclTerraform(struct!.to),
      isBlock: true,
      type: "struct",
      storageClassType: "QuarantineRuleOutboundTo",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleOutboundOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): QuarantineRuleOutbound | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._from?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.from = this._from?.internalValue;
    }
    if (this._serviceGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.serviceGroups = this._serviceGroups;
    }
    if (this._services?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.services = this._services?.internalValue;
    }
    if (this._to?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.to = this._to?.internalValue;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleOutbound | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._from.internalValue = undefined;
      this._serviceGroups = undefined;
      this._services.internalValue = undefined;
      this._to.internalValue = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._from.internalValue = value.from;
      this._serviceGroups = value.serviceGroups;
      this._services.internalValue = value.services;
      this._to.internalValue = value.to;
    }
  }

  // from - computed: true, optional: true, required: false
  private _from = new QuarantineRuleOutboundFromOutputReference(this, "from");
  public get from() {
    return this._from;
  }
  public putFrom(value: QuarantineRuleOutboundFrom) {
    this._from.internalValue = value;
  }
  public resetFrom() {
    this._from.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get fromInput() {
    return this._from.internalValue;
  }

  // service_groups - computed: true, optional: true, required: false
  private _serviceGroups?: string[]; 
  public get serviceGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('service_groups'));
  }
  public set serviceGroups(value: string[]) {
    this._serviceGroups = value;
  }
  public resetServiceGroups() {
    this._serviceGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceGroupsInput() {
    return this._serviceGroups;
  }

  // services - computed: true, optional: true, required: false
  private _services = new QuarantineRuleOutboundServicesList(this, "services", true);
  public get services() {
    return this._services;
  }
  public putServices(value: QuarantineRuleOutboundServices[] | cdktf.IResolvable) {
    this._services.internalValue = value;
  }
  public resetServices() {
    this._services.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get servicesInput() {
    return this._services.internalValue;
  }

  // to - computed: true, optional: false, required: true
  private _to = new QuarantineRuleOutboundToOutputReference(this, "to");
  public get to() {
    return this._to;
  }
  public putTo(value: QuarantineRuleOutboundTo) {
    this._to.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get toInput() {
    return this._to.internalValue;
  }
}

export class QuarantineRuleOutboundList extends cdktf.ComplexList {
  public internalValue? : QuarantineRuleOutbound[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): QuarantineRuleOutboundOutputReference {
    return new QuarantineRuleOutboundOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface QuarantineRuleTarget {
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#categories QuarantineRule#categories}
  */
  readonly categories: { [key: string]: string[] } | cdktf.IResolvable;
}

export function quarantineRuleTargetToTerraform(struct?: QuarantineRuleTarget | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
  }
}


export function quarantineRuleTargetToHclTerraform(struct?: QuarantineRuleTarget | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class QuarantineRuleTargetOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): QuarantineRuleTarget | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: QuarantineRuleTarget | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._categories = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._categories = value.categories;
    }
  }

  // categories - computed: true, optional: false, required: true
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }
}

/**
* Represents a {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule microseg_quarantine_rule}
*/
export class QuarantineRule extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "microseg_quarantine_rule";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a QuarantineRule resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the QuarantineRule to import
  * @param importFromId The id of the existing QuarantineRule that should be imported. Refer to the {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the QuarantineRule to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "microseg_quarantine_rule", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/quarantine_rule microseg_quarantine_rule} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options QuarantineRuleConfig
  */
  public constructor(scope: Construct, id: string, config: QuarantineRuleConfig) {
    super(scope, id, {
      terraformResourceType: 'microseg_quarantine_rule',
      terraformGeneratorMetadata: {
        providerName: 'microseg'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._description = config.description;
    this._inbound.internalValue = config.inbound;
    this._log = config.log;
    this._mode = config.mode;
    this._name = config.name;
    this._outbound.internalValue = config.outbound;
    this._target.internalValue = config.target;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // description - computed: true, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // inbound - computed: true, optional: true, required: false
  private _inbound = new QuarantineRuleInboundList(this, "inbound", true);
  public get inbound() {
    return this._inbound;
  }
  public putInbound(value: QuarantineRuleInbound[] | cdktf.IResolvable) {
    this._inbound.internalValue = value;
  }
  public resetInbound() {
    this._inbound.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get inboundInput() {
    return this._inbound.internalValue;
  }

  // log - computed: true, optional: true, required: false
  private _log?: boolean | cdktf.IResolvable; 
  public get log() {
    return this.getBooleanAttribute('log');
  }
  public set log(value: boolean | cdktf.IResolvable) {
    this._log = value;
  }
  public resetLog() {
    this._log = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get logInput() {
    return this._log;
  }

  // mode - computed: false, optional: false, required: true
  private _mode?: string; 
  public get mode() {
    return this.getStringAttribute('mode');
  }
  public set mode(value: string) {
    this._mode = value;
  }
  // Temporarily expose input value. Use with caution.
  public get modeInput() {
    return this._mode;
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // outbound - computed: true, optional: true, required: false
  private _outbound = new QuarantineRuleOutboundList(this, "outbound", true);
  public get outbound() {
    return this._outbound;
  }
  public putOutbound(value: QuarantineRuleOutbound[] | cdktf.IResolvable) {
    this._outbound.internalValue = value;
  }
  public resetOutbound() {
    this._outbound.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get outboundInput() {
    return this._outbound.internalValue;
  }

  // target - computed: true, optional: true, required: false
  private _target = new QuarantineRuleTargetOutputReference(this, "target");
  public get target() {
    return this._target;
  }
  public putTarget(value: QuarantineRuleTarget) {
    this._target.internalValue = value;
  }
  public resetTarget() {
    this._target.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get targetInput() {
    return this._target.internalValue;
  }

  // updated_at - computed: true, optional: false, required: false
  public get updatedAt() {
    return this.getStringAttribute('updated_at');
  }

  // version - computed: true, optional: false, required: false
  public get version() {
    return this.getNumberAttribute('version');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      description: cdktf.stringToTerraform(this._description),
      inbound: cdktf.listMapper(quarantineRuleInboundToTerraform, false)(this._inbound.internalValue),
      log: cdktf.booleanToTerraform(this._log),
      mode: cdktf.stringToTerraform(this._mode),
      name: cdktf.stringToTerraform(this._name),
      outbound: cdktf.listMapper(quarantineRuleOutboundToTerraform, false)(this._outbound.internalValue),
      target: quarantineRuleTargetToTerraform(this._target.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      inbound: {
        value: cdktf.listMapperHcl(quarantineRuleInboundToHclTerraform, false)(this._inbound.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "QuarantineRuleInboundList",
      },
      log: {
        value: cdktf.booleanToHclTerraform(this._log),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      mode: {
        value: cdktf.stringToHclTerraform(this._mode),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      outbound: {
        value: cdktf.listMapperHcl(quarantineRuleOutboundToHclTerraform, false)(this._outbound.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "QuarantineRuleOutboundList",
      },
      target: {
        value: quarantineRuleTargetToHclTerraform(this._target.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "QuarantineRuleTarget",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
